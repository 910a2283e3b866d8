"""Recognising a donor's column headers, export formats, and the donor's own mapping."""

from pathlib import Path

import pytest

from lib.manifest import FIELDS, apply_overrides, read_table, recognise
from lib.manifest import messages as m
from lib.manifest.headers import column_unit, header_key

SAMPLES = Path(__file__).parent / "manifest_samples"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Serial No.", "serial_number"),
        ("S/N", "serial_number"),
        ("Serial Number", "serial_number"),
        ("serial_number", "serial_number"),
        ("SERIAL", "serial_number"),
        ("Service Tag", "serial_number"),
        ("Asset #", "asset_tag"),
        ("Asset Tag", "asset_tag"),
        ("Asset No", "asset_tag"),
        ("IMEI", "imei"),
        ("Make", "make"),
        ("Manufacturer", "make"),
        ("Brand", "make"),
        ("Model", "model"),
        ("Model Name", "model"),
        ("Category", "device_type"),
        ("Type", "device_type"),
        ("Device Type", "device_type"),
        ("RAM", "ram_gb"),
        ("Memory", "ram_gb"),
        ("RAM (GB)", "ram_gb"),
        ("Total RAM MB", "ram_gb"),
        ("Physical memory", "ram_gb"),
        ("ramGB", "ram_gb"),
        ("Storage", "storage_gb"),
        ("HDD", "storage_gb"),
        ("Disk size", "storage_gb"),
        ("Total storage", "storage_gb"),
        ("totalStorageSpaceInBytes", "storage_gb"),
        ("Purchase Date", "year"),
        ("Year", "year"),
        ("Processor", "cpu"),
        ("CPU", "cpu"),
        ("Processor Type", "cpu"),
        ("Screen size", "screen_inches"),
        ("Screen size in inches", "screen_inches"),
        ("Notes", "notes"),
        ("Comments", "notes"),
    ],
)
def test_header_synonyms_are_recognised(header, field):
    assert recognise([header]).columns == {header: field}


@pytest.mark.parametrize(
    "header",
    [
        "Primary user UPN",
        "Primary user email address",
        "Primary user display name",
        "Assigned To",
        "Checked Out To",
        "Username",
        "Email Address",
        "Full Name",
        "Phone number",
        "Location",
        "IP Address",
        "Wi-Fi MAC",
        "MAC Address",
        "Device name",
        "Free storage",
        "Last check-in",
    ],
)
def test_people_and_management_columns_are_left_out_not_put_in_notes(header):
    recognition = recognise([header, "Serial"])

    assert recognition.columns[header] is None
    assert recognition.ignored == [header]
    assert recognition.unrecognised == []


@pytest.mark.parametrize(
    ("header", "export", "unit"),
    [
        ("RAM (GB)", "spreadsheet", "gb"),
        ("Total RAM MB", "jamf", "mb"),
        ("Capacity (bytes)", "spreadsheet", "bytes"),
        ("Memory GiB", "spreadsheet", "gib"),
        ("Total storage", "intune", "mb"),
        ("Physical memory", "intune", "b"),
        ("Total storage", "spreadsheet", None),
        ("Screen (cm)", "spreadsheet", "cm"),
    ],
)
def test_units_come_from_the_header_or_the_export(header, export, unit):
    assert column_unit(header, export) == unit


def test_header_keys_ignore_case_spaces_and_punctuation():
    assert {header_key(h) for h in ("Serial No.", "serial_no", "SERIAL  NO", "Serial #")} == {
        ("serialno", None)
    }


@pytest.mark.parametrize(
    ("sample", "export", "mapped"),
    [
        (
            "snipe-it-assets.csv",
            "snipe-it",
            {
                "Asset Tag": "asset_tag",
                "Model": "model",
                "Category": "device_type",
                "Manufacturer": "make",
                "Serial": "serial_number",
                "Purchase Date": "year",
                "Notes": "notes",
                "RAM": "ram_gb",
                "Storage": "storage_gb",
            },
        ),
        (
            "intune-all-devices.csv",
            "intune",
            {
                "Serial number": "serial_number",
                "Manufacturer": "make",
                "Model": "model",
                "IMEI": "imei",
                "Total storage": "storage_gb",
            },
        ),
        (
            "jamf-computers.csv",
            "jamf",
            {
                "Serial Number": "serial_number",
                "Model": "model",
                "Processor Type": "cpu",
                "Total RAM MB": "ram_gb",
                "Drive Capacity MB": "storage_gb",
                "Asset Tag": "asset_tag",
                "PO Date": "year",
            },
        ),
        (
            "jamf-mobile-devices.csv",
            "jamf",
            {
                "Serial Number": "serial_number",
                "IMEI": "imei",
                "Model": "model",
                "Capacity MB": "storage_gb",
            },
        ),
        (
            "autopilot-devices.csv",
            "spreadsheet",
            {
                "Device Serial Number": "serial_number",
                "Manufacturer name": "make",
                "Device model": "model",
            },
        ),
        (
            "plain-spreadsheet.csv",
            "spreadsheet",
            {
                "Asset #": "asset_tag",
                "S/N": "serial_number",
                "Make": "make",
                "Model": "model",
                "Type": "device_type",
                "Processor": "cpu",
                "RAM": "ram_gb",
                "Storage": "storage_gb",
                "Purchased": "year",
                "Screen size": "screen_inches",
                "Condition": "notes",
            },
        ),
    ],
)
def test_each_export_is_detected_and_mapped(sample, export, mapped):
    table = read_table((SAMPLES / sample).read_bytes(), sample)

    recognition = recognise(table.headers)

    assert recognition.detected_format == export
    assert {h: f for h, f in recognition.columns.items() if f} == mapped
    assert recognition.unrecognised == []


def test_an_autopilot_lists_assigned_user_is_a_person_and_never_imported():
    from lib.manifest import is_personal

    table = read_table((SAMPLES / "autopilot-devices.csv").read_bytes(), "autopilot-devices.csv")

    assert "Assigned User" in recognise(table.headers).ignored
    assert is_personal("Assigned User")


def test_intunes_category_is_an_admin_grouping_not_a_device_type():
    headers = ["Device name", "Primary user UPN", "Managed by", "Serial number", "Category"]

    assert recognise(headers).columns["Category"] is None
    assert recognise(["Serial", "Category"]).columns["Category"] == "device_type"


def test_the_better_synonym_wins_and_the_other_is_ignored():
    recognition = recognise(["Model No.", "Serial", "Model", "S/N"])

    assert recognition.columns == {
        "Model No.": None,
        "Serial": "serial_number",
        "Model": "model",
        "S/N": None,
    }
    assert recognition.ignored == ["Model No.", "S/N"]


def test_unknown_headers_are_listed_and_can_be_mapped_by_the_donor():
    recognition = recognise(["Kit ID", "Widget", "Make"])
    assert recognition.unrecognised == ["Kit ID", "Widget"]

    mapped = apply_overrides(recognition, {"Kit ID": "asset_tag", "Widget": None, "Gone": "imei"})

    assert mapped.columns == {"Kit ID": "asset_tag", "Widget": None, "Make": "make"}
    assert mapped.unrecognised == []
    assert mapped.ignored == ["Widget"]
    assert mapped.problems == []


def test_the_donor_can_leave_out_a_recognised_column():
    mapped = apply_overrides(recognise(["Serial", "Notes"]), {"Notes": None})

    assert mapped.columns == {"Serial": "serial_number", "Notes": None}
    assert mapped.ignored == ["Notes"]


def test_one_field_chosen_for_two_headers_is_refused():
    mapped = apply_overrides(recognise(["Serial", "Kit ID"]), {"Kit ID": "serial_number"})

    assert [(p.row, p.column, p.message, p.field) for p in mapped.problems] == [
        (
            None,
            "Kit ID",
            m.DOUBLE_MAPPING.format(label="Serial number", first="Serial", second="Kit ID"),
            "serial_number",
        )
    ]


def test_an_override_naming_no_field_is_a_programming_error():
    with pytest.raises(ValueError, match="'colour' is not a manifest field"):
        apply_overrides(recognise(["Serial"]), {"Serial": "colour"})


def test_fields_are_in_the_documented_order():
    assert FIELDS == (
        "serial_number",
        "asset_tag",
        "imei",
        "device_type",
        "make",
        "model",
        "cpu",
        "ram_gb",
        "storage_gb",
        "year",
        "screen_inches",
        "notes",
    )
