"""Validating a manifest: every problem with its row and column, duplicates, and the samples."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from lib.manifest import Item, Table, parse_manifest, recognise, validate
from lib.manifest import messages as m
from lib.manifest.samples import to_csv_bytes, to_xlsx_bytes
from tests.lib.test_manifest_xlsx import cell, rows, workbook

SAMPLES = Path(__file__).parent / "manifest_samples"


def parse(headers: list[str], rows: list[list], **options):
    return parse_manifest(to_csv_bytes(headers, rows), "devices.csv", **options)


def problems(found) -> list[tuple]:
    return [(p.row, p.column, p.message) for p in found]


def test_every_problem_is_reported_with_its_row_and_column_in_one_pass():
    headers = ["S/N", "Type", "RAM", "Purchased", "IMEI", "Screen"]
    rows = [
        ["ABC1", "Laptop", "8 GB", "31/12/2019", "", "14"],
        ["1.23457E+11", "Laptop", "lots", "12/31/2019", "", "14"],
        ["ABC3", "Widget", "8", "1989", "353909101234587", "90"],
        ["", "Laptop", "8", "2019", "", ""],
    ]

    result = parse(headers, rows)

    assert problems(result.errors) == [
        (3, "S/N", m.SCIENTIFIC.format(value="1.23457E+11")),
        (3, "RAM", m.NOT_AN_AMOUNT.format(what="RAM", value="lots", example="8 GB")),
        (3, "Purchased", m.NOT_A_UK_DATE.format(value="12/31/2019")),
        (4, "Type", m.UNKNOWN_TYPE.format(value="Widget")),
        (
            4,
            "Purchased",
            m.YEAR_OUT_OF_RANGE.format(
                value="1989", year=1989, low=1990, high=datetime.date.today().year + 1
            ),
        ),
        (4, "IMEI", m.IMEI_CHECK.format(value="353909101234587")),
        (
            4,
            "Screen",
            m.OUT_OF_RANGE.format(
                what="Screen size", value="90", amount="90.0 inches", low=3, high="40 inches"
            ),
        ),
        (5, "S/N", m.NO_IDENTIFIER),
    ]
    assert (result.rows, result.accepted, result.ok) == (4, 1, False)


def test_items_hold_normalised_values_and_none_for_absent_or_invalid_ones():
    result = parse(
        ["Asset #", "S/N", "Make", "Model", "RAM", "Storage", "Purchased", "Screen", "Notes"],
        [
            [
                "A-1",
                "pc0 abc12",
                "LENOVO",
                "ThinkPad  T480",
                "8192 MB",
                "476.94 GB",
                "1 Jan 2020",
                '14"',
                " ok ",
            ],
            ["A-2", "PC0ABC13", "", "", "huge", "", "", "", "N/A"],
        ],
    )

    assert result.items == [
        Item(
            2,
            "PC0ABC12",
            "A-1",
            None,
            "laptop",
            "Lenovo",
            "ThinkPad T480",
            None,
            8,
            477,
            2020,
            Decimal("14.0"),
            "ok",
        ),
        Item(3, "PC0ABC13", "A-2", None, None, None, None, None, None, None, None, None, None),
    ]
    assert problems(result.errors) == [
        (3, "RAM", m.NOT_AN_AMOUNT.format(what="RAM", value="huge", example="8 GB")),
        (3, "Device type", m.NO_TYPE),
    ]


def test_duplicates_in_the_file_are_errors_on_the_later_row_naming_the_earlier():
    result = parse(
        ["Serial", "Asset Tag", "IMEI", "Type"],
        [
            ["abc 123", "RH-1", "", "Phone"],
            ["XYZ", "rh-1", "353909101234586", "Phone"],
            ["ABC123", "RH-3", "35 390910 123458 6", "Phone"],
            ["NEW", "RH-4", "", "Phone"],
        ],
    )

    assert problems(result.errors) == [
        (3, "Asset Tag", m.DUPLICATE.format(label="Asset tag", value="rh-1", row=2)),
        (4, "Serial", m.DUPLICATE.format(label="Serial number", value="ABC123", row=2)),
        (4, "IMEI", m.DUPLICATE.format(label="IMEI", value="353909101234586", row=3)),
    ]
    assert (result.duplicates_in_file, result.accepted) == (2, 2)


def test_identifiers_rehome_already_knows_are_errors():
    calls = []

    def existing(field: str, found: list[str]) -> set[str]:
        calls.append((field, found))
        return {"serial_number": {"abc123"}, "asset_tag": {"RH-2"}}.get(field, set())

    result = parse(
        ["Serial", "Asset Tag", "Type"],
        [["ABC123", "RH-1", "Laptop"], ["DEF", "rh-2", "Laptop"], ["GHI", "", "Laptop"]],
        existing=existing,
    )

    assert calls == [("serial_number", ["ABC123", "DEF", "GHI"]), ("asset_tag", ["RH-1", "rh-2"])]
    assert problems(result.errors) == [
        (2, "Serial", m.EXISTING.format(label="Serial number", value="ABC123")),
        (3, "Asset Tag", m.EXISTING.format(label="Asset tag", value="rh-2")),
    ]
    assert (result.duplicates_existing, result.accepted) == (2, 1)


def test_a_file_without_any_identifier_column_has_one_problem_not_one_per_row():
    result = parse(["Make", "Type"], [["Dell", "Laptop"]] * 3)

    assert problems(result.errors) == [(None, None, m.NO_IDENTIFIER_COLUMN)]


def test_devices_without_a_type_take_the_donors_default():
    headers = ["Serial", "Model"]
    rows = [["A", "Unknown thing"], ["B", "iPad Air"]]

    assert problems(parse(headers, rows).errors) == [(2, "Device type", m.NO_TYPE)]
    result = parse(headers, rows, default_type="desktop")
    assert [item.device_type for item in result.items] == ["desktop", "tablet"]
    assert result.ok


def test_a_default_type_that_is_not_a_type_is_a_programming_error():
    with pytest.raises(ValueError, match="'robot' is not a device type"):
        parse(["Serial"], [["A"]], default_type="robot")


def test_formula_like_text_is_kept_with_a_warning():
    result = parse(["Serial", "Type", "Notes"], [["A", "Laptop", "=cmd|' /C calc'!A0"]])

    assert result.ok
    assert result.items[0].notes == "=cmd|' /C calc'!A0"
    assert problems(result.warnings) == [(2, "Notes", m.FORMULA_LIKE.format(char="="))]


def test_a_100_kb_cell_is_an_error_in_a_used_column_and_ignored_elsewhere():
    big = "x" * 100_000

    result = parse(["Serial", "Type", "Notes", "Extra"], [["A", "Laptop", big, big]])

    assert problems(result.errors) == [(2, "Notes", m.TOO_LONG.format(limit=1_000))]


def test_a_firmware_placeholder_serial_warns_and_needs_another_identifier():
    result = parse(
        ["Serial", "Asset Tag", "Type"],
        [["To Be Filled By O.E.M.", "RH-1", "PC"], ["Default string", "", "PC"]],
    )

    assert problems(result.warnings) == [
        (2, "Serial", m.PLACEHOLDER_SERIAL.format(value="To Be Filled By O.E.M.")),
        (3, "Serial", m.PLACEHOLDER_SERIAL.format(value="Default string")),
    ]
    assert problems(result.errors) == [(3, "Serial", m.NO_IDENTIFIER)]


def test_formula_cells_in_a_workbook_are_errors_only_in_columns_rehome_uses():
    body = rows(
        cell("A1", "Serial") + cell("B1", "Type") + cell("C1", "Age"),
        cell("A2", "ABC")
        + '<c r="B2"><f>"Lap"&amp;"top"</f><v>Laptop</v></c>'
        + '<c r="C2"><f>2024-2019</f><v>5</v></c>',
    )

    result = parse_manifest(workbook(body), "devices.xlsx")

    assert problems(result.errors) == [(2, "Type", m.FORMULA)]
    assert result.accepted == 0


def test_excel_dates_and_numbers_in_a_workbook_are_normalised():
    data = to_xlsx_bytes(
        ["Serial", "IMEI", "Type", "Purchased", "RAM"],
        [
            ["A", 353909101234586, "Phone", 43830, 4],
            ["B", "", "Phone", datetime.date(2021, 6, 1), 3.9],
        ],
    )

    result = parse_manifest(data, "devices.xlsx")

    assert result.errors == []
    assert [(i.imei, i.year, i.ram_gb) for i in result.items] == [
        ("353909101234586", 2019, 4),
        (None, 2021, 4),
    ]


def test_an_empty_file_and_a_file_of_headers_say_so():
    assert problems(parse_manifest(b"", "x.csv").errors) == [(None, None, m.EMPTY_FILE)]
    assert problems(parse_manifest(b"Serial,Make\n", "x.csv").errors) == [(None, None, m.NO_ROWS)]


def test_a_mapping_with_one_field_twice_is_an_error_in_validation_too():
    table = Table(["Serial", "Kit"], [["A", "B"]])

    result = validate(
        table, {"Serial": "serial_number", "Kit": "serial_number"}, default_type="other"
    )

    assert problems(result.errors) == [
        (None, "Kit", m.DOUBLE_MAPPING.format(label="Serial number", first="Serial", second="Kit"))
    ]


def test_the_donors_overrides_are_applied():
    result = parse(
        ["Kit ID", "Kind", "Serial"],
        [["K1", "Laptop", "S1"]],
        overrides={"Kit ID": "asset_tag", "Kind": "device_type", "Serial": None},
    )

    assert result.columns == {"Kit ID": "asset_tag", "Kind": "device_type", "Serial": None}
    assert (result.items[0].asset_tag, result.items[0].serial_number) == ("K1", None)


def test_as_dict_is_the_shape_the_app_stores():
    result = parse(["Serial", "Type", "Colour"], [["A", "Laptop", "red"], ["A", "Laptop", "blue"]])

    assert result.as_dict() == {
        "rows": 2,
        "accepted": 1,
        "errors": [
            {
                "row": 3,
                "column": "Serial",
                "message": m.DUPLICATE.format(label="Serial number", value="A", row=2),
            }
        ],
        "warnings": [],
        "duplicates_in_file": 1,
        "duplicates_existing": 0,
        "columns": {"Serial": "serial_number", "Type": "device_type", "Colour": None},
        "detected_format": "spreadsheet",
    }


def test_mdm_exports_write_zero_for_sizes_never_reported():
    headers = [
        "Device name",
        "Primary user UPN",
        "Managed by",
        "Serial number",
        "OS",
        "Total storage",
    ]
    result = parse(headers, [["PC1", "a@example.org", "Intune", "S1", "iOS", "0"]])

    assert result.detected_format == "intune"
    assert result.ok
    assert result.items[0].storage_gb is None


def test_the_snipe_it_sample_imports_cleanly():
    result = parse_manifest((SAMPLES / "snipe-it-assets.csv").read_bytes(), "assets.csv")

    assert (result.ok, result.rows, result.detected_format) == (True, 6, "snipe-it")
    assert result.items[0] == Item(
        2,
        "4KQ8TN2",
        "EHT-0001",
        None,
        "laptop",
        "Dell",
        "Latitude 5490",
        None,
        8,
        256,
        2019,
        None,
        "Scratch on lid, works fine",
    )
    assert [item.device_type for item in result.items] == [
        "laptop",
        "laptop",
        "desktop",
        "laptop",
        "smartphone",
        "tablet",
    ]


def test_the_intune_sample_needs_a_type_for_the_lenovo_whose_model_is_a_part_number():
    data = (SAMPLES / "intune-all-devices.csv").read_bytes()

    result = parse_manifest(data, "DevicesWithInventory.csv")
    assert problems(result.errors) == [(2, "Device type", m.NO_TYPE)]

    result = parse_manifest(data, "DevicesWithInventory.csv", default_type="laptop")
    assert result.ok
    assert [(i.device_type, i.make, i.storage_gb, i.imei) for i in result.items] == [
        ("laptop", "Lenovo", 244, None),
        ("laptop", "HP", 488, None),
        ("smartphone", "Apple", 61, "359071101234563"),
        ("tablet", "Samsung", 30, None),
    ]


@pytest.mark.parametrize(
    ("sample", "types"),
    [
        ("jamf-computers.csv", ["laptop", "desktop", "desktop"]),
        ("jamf-mobile-devices.csv", ["tablet", "smartphone", "smartphone"]),
        ("plain-spreadsheet.csv", ["laptop", "laptop", "desktop", "laptop"]),
        ("plain-semicolon-windows-1252.csv", ["laptop", "laptop", "desktop"]),
    ],
)
def test_the_other_samples_import_cleanly(sample, types):
    result = parse_manifest((SAMPLES / sample).read_bytes(), sample)

    assert result.errors == []
    assert [item.device_type for item in result.items] == types


def test_the_jamf_sample_reads_ram_in_mb_and_makes_apple():
    result = parse_manifest((SAMPLES / "jamf-computers.csv").read_bytes(), "jamf.csv")

    assert [(i.make, i.ram_gb, i.storage_gb, i.year) for i in result.items] == [
        ("Apple", 8, 251, 2019),
        ("Apple", 16, 1000, 2020),
        ("Apple", 8, 256, None),
    ]


def test_validate_works_on_a_table_built_by_hand():
    table = Table(["Serial", "Type"], [["A", "Laptop"], ["", ""], ["B"]])

    result = validate(table, recognise(table.headers).columns)

    assert [item.row for item in result.items] == [2, 4]
    assert problems(result.errors) == [(4, "Type", m.NO_TYPE)]


def test_text_longer_than_its_field_keeps_is_an_error_on_its_row():
    long_model = "EliteBook " * 13  # 130 characters
    spaced = "ThinkPad" + " " * 150 + "T480"  # long as written, short once spaces are collapsed
    headers = ["Serial", "Type", "Make", "Model", "Processor"]
    rows = [
        ["A1", "Laptop", "M" * 81, "T480", "i5"],
        ["A2", "Laptop", "Dell", long_model, "C" * 121],
        ["A3", "Laptop", "Lenovo", spaced, "i7"],
    ]

    result = parse(headers, rows)

    assert problems(result.errors) == [
        (2, "Make", m.TOO_LONG.format(limit=80)),
        (3, "Model", m.TOO_LONG.format(limit=120)),
        (3, "Processor", m.TOO_LONG.format(limit=120)),
    ]
    assert result.items[2].model == "ThinkPad T480"


def test_progress_hears_the_share_of_the_checks_done_column_by_column():
    table = Table(["Serial", "Type", "Make"], [["A1", "laptop", "Dell"], ["A2", "tablet", "HP"]])
    heard = []

    validate(table, recognise(table.headers).columns, progress=heard.append)

    assert heard == [0.25, 0.5, 0.75]
