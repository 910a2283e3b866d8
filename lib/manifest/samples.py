"""Realistic donor exports of any size, for tests and benchmarks (not used by the app).

`generate_rows(n, seed, flavour)` makes the headers and rows of a Snipe-IT, Intune or plain
spreadsheet export with believable makes, models, serial numbers, valid IMEIs, UK dates and
sizes written the many ways people write them. `to_csv_bytes` and `to_xlsx_bytes` write them as
files; xlsxwriter is a development dependency, so it is imported only when a workbook is made.
"""

import csv
import datetime
import io
import math
import random

FLAVOURS = ("snipe-it", "intune", "plain")

HEADERS = {
    "snipe-it": [
        "Asset Tag",
        "Asset Name",
        "Serial",
        "Model",
        "Model No.",
        "Category",
        "Manufacturer",
        "Status",
        "Purchase Date",
        "Location",
        "RAM",
        "Notes",
    ],
    "intune": [
        "Device name",
        "Managed by",
        "Ownership",
        "Compliance",
        "OS",
        "OS version",
        "Last check-in",
        "Primary user UPN",
        "Serial number",
        "Manufacturer",
        "Model",
        "Total storage",
        "IMEI",
    ],
    "plain": [
        "Asset #",
        "S/N",
        "Make",
        "Model",
        "Type",
        "CPU",
        "RAM",
        "Storage",
        "Purchase Date",
        "Screen",
        "IMEI",
        "Notes",
    ],
}

# (make as exports write it, model, Snipe-IT category, OS, CPU, screen, serial length)
CATALOGUE = (
    ("Dell Inc.", "Latitude 5490", "Laptops", "Windows", "Intel Core i5-8350U", "14", 7),
    ("Dell Inc.", "Latitude 7400", "Laptops", "Windows", "Intel Core i7-8665U", "14", 7),
    ("Dell Inc.", "OptiPlex 7060", "Desktops", "Windows", "Intel Core i5-8500", "", 7),
    ("HP", "EliteBook 840 G5", "Laptops", "Windows", "Intel Core i5-8250U", "14", 10),
    ("HP", "ProBook 450 G7", "Laptops", "Windows", "Intel Core i5-10210U", "15.6", 10),
    ("HP", "EliteDesk 800 G4 SFF", "Desktops", "Windows", "Intel Core i5-8500", "", 10),
    ("LENOVO", "ThinkPad T480", "Laptops", "Windows", "Intel Core i5-8250U", "14", 8),
    ("LENOVO", "ThinkPad X1 Carbon Gen 7", "Laptops", "Windows", "Intel Core i7-8565U", "14", 8),
    ("LENOVO", "ThinkCentre M720q", "Desktops", "Windows", "Intel Core i5-8400T", "", 8),
    ("Apple", "MacBook Air (13-inch, 2020)", "Laptops", "macOS", "Apple M1", "13.3", 12),
    ("Apple", "iPad (8th generation)", "Tablets", "iPadOS", "Apple A12", "10.2", 12),
    ("Apple", "iPhone 11", "Mobile Phones", "iOS", "Apple A13", "6.1", 12),
    (
        "Microsoft Corporation",
        "Surface Pro 7",
        "Laptops",
        "Windows",
        "Intel Core i5-1035G4",
        "12.3",
        12,
    ),
    ("samsung", "Galaxy A52", "Mobile Phones", "Android", "Snapdragon 720G", "6.5", 11),
    ("samsung", "Galaxy Tab A7", "Tablets", "Android", "Snapdragon 662", "10.4", 11),
)
PHONE_LIKE = ("Mobile Phones", "Tablets")
RAM_WAYS = ("8 GB", "8GB", "16 GB", "16", "8", "8192 MB", "4 GB", "32GB")
STORAGE_WAYS = ("256 GB SSD", "512GB", "1 TB", "256", "476.94 GB", "128 GB", "500GB HDD")
STATUSES = ("Ready to Deploy", "Archived", "Pending", "Broken - Not Fixable")
LOCATIONS = ("Head Office", "Leeds", "Bristol", "Remote")
NOTES = ("", "", "", "Scratch on lid", "No charger", "Battery holds 2 hours", "Sticky key")
ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def generate_rows(
    n: int, seed: int = 0, flavour: str = "plain"
) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of an `n`-device export; the same seed always gives the same file."""
    if flavour not in FLAVOURS:
        raise ValueError(f"flavour is one of {FLAVOURS}")
    chance = random.Random(seed)
    make_row = {"snipe-it": _snipe_it, "intune": _intune, "plain": _plain}[flavour]
    return list(HEADERS[flavour]), [make_row(chance, index, seed) for index in range(n)]


def _serial(index: int, seed: int, length: int) -> str:
    """Unique within a file: the index scrambled by a bijection, in the characters makers use."""
    modulus = 34**length
    step = int(modulus * 0.618_033_988_7) | 1
    while math.gcd(step, modulus) != 1:
        step += 2
    number = (index * step + seed * 7_919) % modulus
    text = ""
    for _ in range(length):
        number, digit = divmod(number, 34)
        text += ALPHABET[digit]
    return text


def _imei(index: int, seed: int) -> str:
    body = f"35{(index * 7_919 + seed) % 10**12:012d}"
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char) * (1 if position % 2 else 2)
        total += digit - 9 if digit > 9 else digit
    return body + str((10 - total % 10) % 10)


def _date(chance: random.Random) -> datetime.date:
    return datetime.date(2016, 1, 1) + datetime.timedelta(days=chance.randrange(2900))


def _snipe_it(chance: random.Random, index: int, seed: int) -> list[str]:
    make, model, category, _, _, _, length = chance.choice(CATALOGUE)
    return [
        f"RH-{index + 1:06d}",
        f"{category[:2].upper()}-{index + 1:05d}",
        _serial(index, seed, length),
        model,
        model.split()[-1],
        category,
        make,
        chance.choice(STATUSES),
        _date(chance).strftime("%Y-%m-%d"),
        chance.choice(LOCATIONS),
        chance.choice(RAM_WAYS),
        chance.choice(NOTES),
    ]


def _intune(chance: random.Random, index: int, seed: int) -> list[str]:
    make, model, category, system, _, _, length = chance.choice(CATALOGUE)
    return [
        f"DESKTOP-{_serial(index, seed + 1, 7)}",
        "Intune",
        "Corporate",
        chance.choice(("Compliant", "Noncompliant")),
        system,
        "10.0.19045.3803",
        f"{_date(chance).strftime('%d/%m/%Y')} 09:{index % 60:02d}",
        f"user{index}@example.org",
        _serial(index, seed, length),
        make,
        model,
        str(chance.choice((122_045, 244_198, 488_386, 59_000))),
        _imei(index, seed) if category in PHONE_LIKE else "",
    ]


def _plain(chance: random.Random, index: int, seed: int) -> list[str]:
    make, model, category, _, cpu, screen, length = chance.choice(CATALOGUE)
    return [
        f"{index + 1:05d}",
        _serial(index, seed, length),
        make.split()[0].title() if make.isupper() else make,
        model,
        category.rstrip("s") if category != "Mobile Phones" else "Phone",
        cpu,
        chance.choice(RAM_WAYS),
        chance.choice(STORAGE_WAYS),
        _date(chance).strftime("%d/%m/%Y"),
        screen,
        _imei(index, seed) if category in PHONE_LIKE else "",
        chance.choice(NOTES),
    ]


def to_csv_bytes(
    headers: list[str],
    rows: list[list],
    encoding: str = "utf-8",
    delimiter: str = ",",
    newline: str = "\r\n",
) -> bytes:
    """A CSV file as a spreadsheet would save it ("utf-8-sig" for a BOM, "utf-16" for Excel's
    Unicode text). Values holding a line break are quoted whatever `newline` is."""
    buffer = io.StringIO()
    # Written with "\r\n" so that any value with a CR or LF is quoted, then given `newline`.
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    lines = []
    for row in [headers, *rows]:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        lines.append(buffer.getvalue()[:-2])
    return "".join(line + newline for line in lines).encode(encoding)


def to_xlsx_bytes(headers: list[str], rows: list[list], sheet: str = "Assets") -> bytes:
    """A workbook with one sheet. Cells keep their Python type: str, int, float, date, bool."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    worksheet = workbook.add_worksheet(sheet)
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    worksheet.write_row(0, 0, headers)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, datetime.date):
                worksheet.write_datetime(number, column, value, dates)
            elif isinstance(value, str):
                if value:
                    worksheet.write_string(number, column, value)
            else:
                worksheet.write(number, column, value)
    workbook.close()
    return buffer.getvalue()
