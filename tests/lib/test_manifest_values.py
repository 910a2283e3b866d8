"""The normalisation tables: one cell's text to one canonical value, or a sentence why not."""

import datetime
from decimal import Decimal

import pytest

from lib.manifest import messages as m
from lib.manifest import values as v

THIS_YEAR = datetime.date.today().year
year = v.year_normaliser(THIS_YEAR)


def invalid(normalise, text: str) -> str:
    with pytest.raises(v.Invalid) as caught:
        normalise(text)
    return caught.value.message


def amounts(field: str, texts: list[str], unit: str | None = None, mdm: bool = False) -> list:
    normalise = v.amount_normaliser(field, unit, texts, zero_is_blank=mdm)
    return [normalise(text) for text in texts]


@pytest.mark.parametrize(
    ("text", "gb"),
    [
        ("8 GB", 8),
        ("8GB", 8),
        ("8 GiB", 8),
        ("8192 MB", 8),
        ("8", 8),
        ("8.0", 8),
        ("8589934592", 8),
        ("16GB DDR4 2666MHz", 16),
        ("DDR4 16GB", 16),
        ("7.88 GB", 8),
        ("1 TB", 1024),
        ("8,192 MB", 8),
    ],
)
def test_ram_is_whole_gigabytes_in_binary_units(text, gb):
    assert amounts("ram_gb", [text]) == [gb]


def test_a_column_of_bare_numbers_takes_its_unit_from_its_size():
    assert amounts("ram_gb", ["8192", "16384", "4096"]) == [8, 16, 4]
    assert amounts("ram_gb", ["8", "16", "8192"]) == [8, 16, 8]
    assert amounts("storage_gb", ["244198", "14000", "488386"]) == [244, 14, 488]


def test_the_headers_unit_wins_over_the_size():
    normalise = v.amount_normaliser("ram_gb", "mb", ["8192", "16384"], zero_is_blank=False)
    assert normalise("16384") == 16
    assert invalid(normalise, "16") == m.OUT_OF_RANGE.format(
        what="RAM", value="16", amount="0 GB", low="1", high="2,048 GB"
    )


@pytest.mark.parametrize(
    ("text", "gb"),
    [
        ("256 GB SSD", 256),
        ("1 TB", 1000),
        ("1TB HDD", 1000),
        ("476.94 GB", 477),
        ("476,94 GB", 477),
        ("512", 512),
        ("500107862016", 500),
        ("512 GiB", 550),
        ("256 GB SSD + 1 TB HDD", 1256),
        ("512GB (2 x 256GB)", 512),
        ("1,5 TB", 1500),
    ],
)
def test_storage_is_whole_gigabytes_in_decimal_units(text, gb):
    assert amounts("storage_gb", [text]) == [gb]


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        (
            "ram_gb",
            "0",
            m.OUT_OF_RANGE.format(what="RAM", value="0", amount="0 GB", low="1", high="2,048 GB"),
        ),
        (
            "ram_gb",
            "4096 GB",
            m.OUT_OF_RANGE.format(
                what="RAM", value="4096 GB", amount="4,096 GB", low="1", high="2,048 GB"
            ),
        ),
        ("ram_gb", "lots", m.NOT_AN_AMOUNT.format(what="RAM", value="lots", example="8 GB")),
        (
            "storage_gb",
            "0 GB",
            m.OUT_OF_RANGE.format(
                what="Storage", value="0 GB", amount="0 GB", low="1", high="100,000 GB"
            ),
        ),
        (
            "storage_gb",
            "200 TB",
            m.OUT_OF_RANGE.format(
                what="Storage", value="200 TB", amount="200,000 GB", low="1", high="100,000 GB"
            ),
        ),
        (
            "storage_gb",
            "SSD",
            m.NOT_AN_AMOUNT.format(what="Storage", value="SSD", example="256 GB"),
        ),
    ],
)
def test_impossible_amounts_are_errors(field, text, message):
    assert invalid(v.amount_normaliser(field, None, [text], zero_is_blank=False), text) == message


def test_an_mdm_export_writes_zero_for_not_reported():
    assert amounts("ram_gb", ["0", "8192"], mdm=True) == [None, 8]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019", 2019),
        ("2019.0", 2019),
        ("31/12/2019", 2019),
        ("31-12-19", 2019),
        ("31.12.2019", 2019),
        ("1/2/2020", 2020),
        ("2019-12-31", 2019),
        ("2019-12-31 10:30:00", 2019),
        ("2019-12-31T10:30:00Z", 2019),
        ("31/12/2019 14:05", 2019),
        ("31/12/2019 2:05 pm", 2019),
        ("1 Jan 2020", 2020),
        ("01-Jan-2020", 2020),
        ("1st January 2020", 2020),
        ("Jan 2020", 2020),
        ("Jan-20", 2020),
        ("12/2019", 2019),
        ("Dec 31, 2019", 2019),
        ("43830", 2019),
        ("43830.5", 2019),
        ("1990", 1990),
    ],
)
def test_years_and_uk_dates(text, expected):
    assert year(text) == expected


def test_a_us_only_date_is_not_a_uk_date():
    assert invalid(year, "12/31/2019") == m.NOT_A_UK_DATE.format(value="12/31/2019")


@pytest.mark.parametrize("text", ["31/02/2019", "soon", "2019-13-01", "19"])
def test_things_that_are_not_dates(text):
    assert invalid(year, text) == m.NOT_A_DATE.format(value=text)


@pytest.mark.parametrize(
    ("text", "found"),
    [("1989", 1989), ("31/12/1989", 1989), (str(THIS_YEAR + 2), THIS_YEAR + 2), ("1000", 1000)],
)
def test_years_outside_the_range_are_errors(text, found):
    assert invalid(year, text) == m.YEAR_OUT_OF_RANGE.format(
        value=text, year=found, low=1990, high=THIS_YEAR + 1
    )


def test_next_year_is_allowed_for_devices_bought_ahead():
    assert year(str(THIS_YEAR + 1)) == THIS_YEAR + 1


@pytest.mark.parametrize(
    ("text", "inches"),
    [
        ("14", "14.0"),
        ('15.6"', "15.6"),
        ("15,6", "15.6"),
        ("14 inch", "14.0"),
        ("13.3in", "13.3"),
        ("35.6 cm", "14.0"),
        ("4.7", "4.7"),
    ],
)
def test_screen_sizes_in_inches(text, inches):
    assert v.screen_inches(text) == Decimal(inches)


def test_a_screen_column_in_centimetres():
    assert v.screen_inches("39.6", default_unit="cm") == Decimal("15.6")


@pytest.mark.parametrize("text", ["2.5", "55", "85 inch"])
def test_impossible_screens_are_errors(text):
    assert invalid(v.screen_inches, text).startswith(f"Screen size '{text}' reads as")


@pytest.mark.parametrize(
    ("text", "serial"),
    [("abc123", "ABC123"), ("C02 XG2 JDJ GH5", "C02XG2JDJGH5"), ("5cg8453k1q", "5CG8453K1Q")],
)
def test_serials_are_upper_case_without_spaces(text, serial):
    assert v.serial_number(text) == serial


@pytest.mark.parametrize("text", ["1.23457E+11", "1.23457e+11", "3.52E+14", "1E+15"])
def test_serials_in_scientific_notation_are_errors_saying_what_happened(text):
    message = invalid(v.serial_number, text)

    assert message == m.SCIENTIFIC.format(value=text)
    assert "Text" in message


@pytest.mark.parametrize("text", ["To Be Filled By O.E.M.", "Default string", "0000000", "0"])
def test_firmware_placeholders_are_left_out_with_a_warning(text):
    with pytest.raises(v.Noted) as caught:
        v.serial_number(text)

    assert caught.value.value is None
    assert caught.value.message == m.PLACEHOLDER_SERIAL.format(value=text)


def test_an_overlong_identifier_is_an_error():
    assert invalid(v.serial_number, "X" * 65) == m.IDENTIFIER_TOO_LONG.format(
        value="X" * 65, limit=64
    )


@pytest.mark.parametrize(
    ("text", "imei"),
    [
        ("353909101234586", "353909101234586"),
        ("35 390910 123456 0", "353909101234560"),
        ("35-390910-123456-0", "353909101234560"),
    ],
)
def test_imeis_are_fifteen_digits(text, imei):
    assert v.imei(text) == imei


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("353909101234587", m.IMEI_CHECK.format(value="353909101234587")),
        ("35390910123458", m.IMEI_14.format(value="35390910123458")),
        ("3539091012345860", m.IMEI_LENGTH.format(value="3539091012345860", count=16)),
        ("35390910123458X", m.IMEI_NOT_DIGITS.format(value="35390910123458X")),
        ("3.52E+14", m.SCIENTIFIC.format(value="3.52E+14")),
    ],
)
def test_bad_imeis_are_errors(text, message):
    assert invalid(v.imei, text) == message


def test_asset_tags_keep_their_case():
    assert v.asset_tag("RH-00 12") == "RH-00 12"
    assert v.asset_tag("rh  0012") == "rh 0012"


@pytest.mark.parametrize(
    ("text", "make"),
    [
        ("HEWLETT-PACKARD", "HP"),
        ("HP Inc.", "HP"),
        ("Dell Inc.", "Dell"),
        ("LENOVO", "Lenovo"),
        ("ASUSTeK COMPUTER INC.", "ASUS"),
        ("Micro-Star International Co., Ltd.", "MSI"),
        ("Microsoft Corporation", "Microsoft"),
        ("samsung", "Samsung"),
        ("Acme Widgets Ltd", "Acme Widgets"),
    ],
)
def test_makers_get_their_usual_names(text, make):
    assert v.make(text) == make


def test_processor_names_lose_trade_mark_signs():
    assert v.cpu("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz") == "Intel Core i5-8250U @ 1.60GHz"


@pytest.mark.parametrize(
    ("text", "device_type"),
    [
        ("Laptop", "laptop"),
        ("Laptops", "laptop"),
        ("Notebook", "laptop"),
        ("Portable", "laptop"),
        ("MacBook", "laptop"),
        ("Chromebook", "laptop"),
        ("Ultrabook", "laptop"),
        ("2-in-1", "laptop"),
        ("Mobile Workstation", "laptop"),
        ("Staff Laptops", "laptop"),
        ("Desktop", "desktop"),
        ("PC", "desktop"),
        ("Workstation", "desktop"),
        ("Tower", "desktop"),
        ("All-in-one", "desktop"),
        ("iMac", "desktop"),
        ("Mac mini", "desktop"),
        ("Tablet", "tablet"),
        ("iPad", "tablet"),
        ("Slate", "tablet"),
        ("Tablet PC", "tablet"),
        ("Phone", "smartphone"),
        ("Mobile", "smartphone"),
        ("Mobile Phones", "smartphone"),
        ("Smartphone", "smartphone"),
        ("iPhone", "smartphone"),
        ("Handset", "smartphone"),
        ("Monitors", "other"),
        ("Other", "other"),
    ],
)
def test_device_type_synonyms(text, device_type):
    assert v.device_type(text) == device_type


@pytest.mark.parametrize("text", ["Widget", "Laptop/Desktop", "Computers"])
def test_unknown_device_types_are_kept_to_be_quoted(text):
    found = v.device_type(text)

    assert isinstance(found, v.UnknownType)
    assert found == text


@pytest.mark.parametrize(
    ("model", "device_type", "make"),
    [
        ("ThinkPad T480", "laptop", "Lenovo"),
        ("Latitude 5490", "laptop", "Dell"),
        ("EliteBook 840 G5", "laptop", "HP"),
        ("ProBook 450 G7", "laptop", "HP"),
        ("MacBook Pro (13-inch, 2019)", "laptop", "Apple"),
        ("MacBookPro15,2", "laptop", "Apple"),
        ("Surface Laptop 3", "laptop", "Microsoft"),
        ("Surface Pro 7", "laptop", "Microsoft"),
        ("XPS 13 9380", "laptop", "Dell"),
        ("OptiPlex 7060", "desktop", "Dell"),
        ("ProDesk 400 G5", "desktop", "HP"),
        ("EliteDesk 800 G4", "desktop", "HP"),
        ("ThinkCentre M720q", "desktop", "Lenovo"),
        ("iMac (Retina 5K, 27-inch, 2020)", "desktop", "Apple"),
        ("Mac mini (M1, 2020)", "desktop", "Apple"),
        ("Macmini9,1", "desktop", "Apple"),
        ("iPad Air", "tablet", "Apple"),
        ("Galaxy Tab S6", "tablet", "Samsung"),
        ("SM-T505", "tablet", "Samsung"),
        ("iPhone 12", "smartphone", "Apple"),
        ("Galaxy S10", "smartphone", "Samsung"),
        ("Galaxy A52", "smartphone", "Samsung"),
        ("Pixel 6", "smartphone", "Google"),
        ("Pixelbook Go", "laptop", "Google"),
        ("Primacy 3000", None, None),
        ("Portable 5", None, None),
    ],
)
def test_models_say_what_a_device_is_and_who_made_it(model, device_type, make):
    assert v.model_hint(model) == (device_type, make)


@pytest.mark.parametrize(
    ("system", "model", "device_type"),
    [
        ("iOS", None, "smartphone"),
        ("iPadOS", None, "tablet"),
        ("Android", "SM-X000", "smartphone"),
        ("Android", "Lenovo Tab M10", "tablet"),
        ("AndroidEnterprise", "Moto G", "smartphone"),
        ("Chrome OS", None, "laptop"),
        ("Windows", "20L5S0AB00", None),
        ("macOS", None, None),
    ],
)
def test_operating_systems_say_what_they_can(system, model, device_type):
    assert v.os_hint(system, model) == device_type


def test_the_type_cell_then_the_model_then_the_os_then_the_default():
    assert v.resolve_type("desktop", "ThinkPad T480", None, "iOS", "tablet") == ("desktop", None)
    assert v.resolve_type(None, "ThinkPad T480", None, "iOS", "tablet") == ("laptop", None)
    assert v.resolve_type(None, "Model X", "MacBookAir10,1", None, None) == ("laptop", None)
    assert v.resolve_type(None, "Model X", None, "iOS", "tablet") == ("smartphone", None)
    assert v.resolve_type(None, "Model X", None, "Windows", "tablet") == ("tablet", None)
    assert v.resolve_type(v.UnknownType("Kit"), "Latitude", None, None, None) == ("laptop", None)
    assert v.resolve_type(v.UnknownType("Kit"), None, None, None, None) == (
        None,
        m.UNKNOWN_TYPE.format(value="Kit"),
    )
    assert v.resolve_type(None, None, None, None, None) == (None, m.NO_TYPE)
