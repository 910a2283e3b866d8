"""Turn one cell's text into a canonical value, or say in a sentence why it cannot be.

Each field has a normaliser: `text -> value`, raising `Invalid` (an error on that row) or `Noted`
(a value kept, or dropped, with a warning). Normalisers see stripped, non-blank text and are
called once per distinct value in a column, so they may be thorough; the tables they use are
plain data, documented for people in docs/manifest-import.md.
"""

import datetime
import decimal
import re
from collections.abc import Callable, Iterable

from lib.manifest import messages
from lib.manifest.model import DEVICE_TYPES


class Invalid(Exception):
    """The value is wrong; `message` tells the donor how."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Noted(Exception):
    """The value is usable (or deliberately left out, when `value` is None), with a warning."""

    def __init__(self, value: object, message: str):
        super().__init__(message)
        self.value = value
        self.message = message


# Cells that mean "nothing here" in every column.
BLANK_WORDS = frozenset(
    {"n/a", "na", "-", "--", "—", "none", "null", "nil", "unknown", "tbc", "tba", "?", "#n/a"}
    | {"not applicable", "not known"}
)

MAX_IDENTIFIER = 64

# A spreadsheet writes big numbers as "1.23457E+11" in CSV; the lost digits cannot be recovered.
_SCIENTIFIC = re.compile(r"^[0-9]+(?:[.,][0-9]+)?E\+[0-9]+$", re.IGNORECASE)

# Serial numbers that firmware or a management tool fills in when the maker left the field empty.
PLACEHOLDER_SERIALS = frozenset(
    {
        "TOBEFILLEDBYO.E.M.",
        "TOBEFILLEDBYOEM",
        "DEFAULTSTRING",
        "SYSTEMSERIALNUMBER",
        "CHASSISSERIALNUMBER",
        "SERIALNUMBER",
        "NOTSPECIFIED",
        "NOTAVAILABLE",
        "NOTAPPLICABLE",
        "INVALID",
        "0123456789",
        "123456789",
        "1234567890",
        "0123456789ABCDEF",
        "XXXXXXXXXX",
    }
)


def _reject_scientific(text: str) -> None:
    if "+" in text and _SCIENTIFIC.match(text):
        raise Invalid(messages.SCIENTIFIC.format(value=text))


def _check_length(value: str, text: str) -> None:
    if len(value) > MAX_IDENTIFIER:
        raise Invalid(messages.IDENTIFIER_TOO_LONG.format(value=text, limit=MAX_IDENTIFIER))


def serial_number(text: str) -> str:
    """Upper case, spaces removed: serials are compared without case or spacing."""
    _reject_scientific(text)
    value = text.upper()
    if " " in value or not value.isprintable():
        value = "".join(value.split())
    _check_length(value, text)
    if value in PLACEHOLDER_SERIALS or not value.strip("0"):
        raise Noted(None, messages.PLACEHOLDER_SERIAL.format(value=text))
    return value


def asset_tag(text: str) -> str:
    """As written, with runs of spaces collapsed: a donor's own labels keep their case."""
    _reject_scientific(text)
    value = " ".join(text.split()) if "  " in text or not text.isprintable() else text
    _check_length(value, text)
    return value


_IMEI_SEPARATORS = re.compile(r"[\s\-./]")


def imei(text: str) -> str:
    """Fifteen digits with a valid Luhn check digit; spaces, dashes, dots and slashes dropped."""
    _reject_scientific(text)
    digits = _IMEI_SEPARATORS.sub("", text)
    if not (digits.isascii() and digits.isdigit()):
        raise Invalid(messages.IMEI_NOT_DIGITS.format(value=text))
    if len(digits) == 14:
        raise Invalid(messages.IMEI_14.format(value=text))
    if len(digits) != 15:
        raise Invalid(messages.IMEI_LENGTH.format(value=text, count=len(digits)))
    if not luhn_valid(digits):
        raise Invalid(messages.IMEI_CHECK.format(value=text))
    return digits


# Each digit Luhn doubles, replaced by the sum of the doubled digits (7 → 14 → 5).
_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_valid(digits: str) -> bool:
    doubled = digits[-2::-2].translate(_LUHN_DOUBLED)
    return sum(map(int, digits[-1::-2] + doubled)) % 10 == 0


def identifier_key(value: str) -> str:
    """What two identifiers must share to be the same: no case, no spaces."""
    return "".join(value.split()).casefold()


# --- Make, model, processor, notes -------------------------------------------------------------

MAKES = {
    "acer": "Acer",
    "alcatel": "Alcatel",
    "amazon": "Amazon",
    "apple": "Apple",
    "asus": "ASUS",
    "asustek": "ASUS",
    "dell": "Dell",
    "doro": "Doro",
    "dynabook": "Dynabook",
    "fujitsu": "Fujitsu",
    "fujitsusiemens": "Fujitsu",
    "getac": "Getac",
    "google": "Google",
    "hewlettpackard": "HP",
    "hp": "HP",
    "hpe": "HPE",
    "hewlettpackardenterprise": "HPE",
    "honor": "Honor",
    "huawei": "Huawei",
    "lenovo": "Lenovo",
    "lg": "LG",
    "medion": "Medion",
    "microsoft": "Microsoft",
    "motorola": "Motorola",
    "msi": "MSI",
    "microstar": "MSI",
    "nokia": "Nokia",
    "oneplus": "OnePlus",
    "oppo": "OPPO",
    "panasonic": "Panasonic",
    "razer": "Razer",
    "samsung": "Samsung",
    "sony": "Sony",
    "toshiba": "Toshiba",
    "xiaomi": "Xiaomi",
    "zebra": "Zebra",
}

# Company-form words dropped from the end of a maker's name ("ASUSTeK COMPUTER INC." → "ASUSTeK").
_COMPANY_SUFFIX = re.compile(
    r"[\s,]+(?:inc|incorporated|ltd|limited|llc|plc|gmbh|ag|sa|bv|nv|co|company|corp|corporation"
    r"|computer|computers|technologies|technology|electronics|international|mobile|mobility)\.?$",
    re.IGNORECASE,
)


def make(text: str) -> str:
    """A known maker's usual name ("HEWLETT-PACKARD" → "HP"), else the name without "Inc." etc."""
    name = " ".join(text.split())
    while True:
        shorter = _COMPANY_SUFFIX.sub("", name).rstrip(" ,")
        if shorter == name or not shorter:
            break
        name = shorter
    return MAKES.get(_compact(name), name)


def _compact(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


def model(text: str) -> str:
    return " ".join(text.split())


_CPU_NOISE = re.compile(r"\((?:R|TM|C)\)|[®™]|\bCPU\b", re.IGNORECASE)


def cpu(text: str) -> str:
    """Trade-mark signs and the word "CPU" dropped: "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz"
    → "Intel Core i5-8250U @ 1.60GHz"."""
    return " ".join(_CPU_NOISE.sub(" ", text).split()) or text


def notes(text: str) -> str:
    return text


# --- Amounts: RAM and storage ------------------------------------------------------------------

# A number that is not glued to letters before it ("DDR4 8GB" reads 8, not 4). A comma followed by
# exactly three digits groups thousands ("8,192"); any other comma is a decimal comma ("476,94").
_AMOUNT = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d{1,15})(?:[.,](\d{1,6}))?(?!\d)\s*([a-z]+)?", re.IGNORECASE
)
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_STORAGE_PARTS = re.compile(r"\+|&|\band\b", re.IGNORECASE)

# Memory is sold in binary units, so "8192 MB" and 8589934592 bytes are both 8 GB.
RAM_UNITS = {
    "tb": 1024.0,
    "tib": 1024.0,
    "t": 1024.0,
    "gb": 1.0,
    "gib": 1.0,
    "g": 1.0,
    "mb": 1 / 1024,
    "mib": 1 / 1024,
    "m": 1 / 1024,
    "kb": 1 / 1024**2,
    "kib": 1 / 1024**2,
    "k": 1 / 1024**2,
    "b": 1 / 1024**3,
    "byte": 1 / 1024**3,
    "bytes": 1 / 1024**3,
}
# Drives are sold in decimal units ("1 TB" = 1,000 GB); GiB, MiB and TiB are binary.
STORAGE_UNITS = {
    "tb": 1000.0,
    "t": 1000.0,
    "tib": 1024**4 / 1e9,
    "gb": 1.0,
    "g": 1.0,
    "gib": 1024**3 / 1e9,
    "mb": 1e-3,
    "m": 1e-3,
    "mib": 1024**2 / 1e9,
    "kb": 1e-6,
    "b": 1e-9,
    "byte": 1e-9,
    "bytes": 1e-9,
}

# The unit of a column's numbers that carry none, from the column's median: an MDM tool writes
# memory in MB or bytes and storage in MB, a person writes GB. (upper bound, unit), in order.
RAM_MAGNITUDES = ((1024, "gb"), (4 * 1024**2, "mb"), (1024**3, "kb"), (None, "b"))
STORAGE_MAGNITUDES = ((20_000, "gb"), (10**8, "mb"), (None, "b"))

RAM_RANGE = (1, 2048)
STORAGE_RANGE = (1, 100_000)


def amount(text: str) -> tuple[float, str | None] | None:
    """The first number in `text` and the unit written after it (lower case), if any."""
    if text.isascii() and text.isdigit() and len(text) <= 15:
        return float(text), None
    match = _AMOUNT.search(text)
    if not match:
        return None
    whole, fraction, unit = match.groups()
    number = float(whole.replace(",", "") + ("." + fraction if fraction else ""))
    return number, (unit.lower() if unit else None)


def unit_by_magnitude(numbers: list[float], magnitudes: tuple) -> str:
    if not numbers:
        return magnitudes[0][1]
    median = sorted(numbers)[len(numbers) // 2]
    for bound, unit in magnitudes:
        if bound is None or median < bound:
            return unit
    raise AssertionError("the last magnitude has no bound")


def _storage_parts(text: str) -> list[str]:
    return _STORAGE_PARTS.split(_PARENTHESES.sub(" ", text))


def amount_normaliser(
    field: str, header_unit: str | None, texts: Iterable[str], zero_is_blank: bool
) -> Callable[[str], int | None]:
    """The normaliser for a RAM or storage column: whole GB, rounded to the nearest.

    A unit written in the cell wins, then the header's unit ("RAM (MB)"), then the unit the
    column's unit-less numbers imply (RAM_MAGNITUDES, STORAGE_MAGNITUDES). Storage adds up parts
    joined by "+", "&" or "and" ("256 GB SSD + 1 TB HDD" → 1256); text in brackets is ignored.
    `zero_is_blank` is for MDM exports, which write 0 for a device that never reported.
    """
    is_ram = field == "ram_gb"
    units = RAM_UNITS if is_ram else STORAGE_UNITS
    magnitudes = RAM_MAGNITUDES if is_ram else STORAGE_MAGNITUDES
    what, example, (low, high) = (
        ("RAM", "8 GB", RAM_RANGE) if is_ram else ("Storage", "256 GB", STORAGE_RANGE)
    )
    header_says = header_unit in units
    if not header_says:
        unitless = []
        for text in texts:
            for part in [text] if is_ram else _storage_parts(text):
                parsed = amount(part)
                if parsed and parsed[1] not in units:
                    unitless.append(parsed[0])
        header_unit = unit_by_magnitude(unitless, magnitudes)
    column_factor = units[header_unit]

    def in_gb(number: float, unit: str | None) -> float:
        if unit in units:
            return number * units[unit]
        gb = number * column_factor
        if not header_says and not low <= gb <= high:
            # One odd value in the column ("8192" among "8" and "16") by its own magnitude.
            gb = number * units[unit_by_magnitude([number], magnitudes)]
        return gb

    def normalise(text: str) -> int | None:
        parsed = [amount(part) for part in ([text] if is_ram else _storage_parts(text))]
        found = [in_gb(number, unit) for number, unit in filter(None, parsed)]
        if not found:
            raise Invalid(messages.NOT_AN_AMOUNT.format(what=what, value=text, example=example))
        total = sum(found)
        if total == 0 and zero_is_blank:
            return None
        gb = int(total + 0.5)
        if not low <= gb <= high:
            raise Invalid(
                messages.OUT_OF_RANGE.format(
                    what=what, value=text, amount=f"{gb:,} GB", low=f"{low:,}", high=f"{high:,} GB"
                )
            )
        return gb

    return normalise


# --- Screen size -------------------------------------------------------------------------------

SCREEN_RANGE = (decimal.Decimal(3), decimal.Decimal(40))
_SCREEN = re.compile(
    r"(?<![\w.])(\d{1,3})(?:[.,](\d{1,3}))?(?!\d)\s*(\"|''|”|″|inches|inch|in\b|cm\b)?",
    re.IGNORECASE,
)
_TENTH = decimal.Decimal("0.1")


def screen_inches(text: str, default_unit: str = "inches") -> decimal.Decimal:
    """Inches to one decimal place ("15.6\"", "14 inch", "35.6 cm" → 14.0). A number without a
    unit is in `default_unit`, the header's ("Screen (cm)") or inches."""
    match = _SCREEN.search(text)
    if not match:
        raise Invalid(
            messages.NOT_AN_AMOUNT.format(what="Screen size", value=text, example='14 or 15.6"')
        )
    whole, fraction, unit = match.groups()
    inches = decimal.Decimal(whole + ("." + fraction if fraction else ""))
    if (unit or default_unit).lower() == "cm":
        inches /= decimal.Decimal("2.54")
    inches = inches.quantize(_TENTH, rounding=decimal.ROUND_HALF_UP)
    low, high = SCREEN_RANGE
    if not low <= inches <= high:
        raise Invalid(
            messages.OUT_OF_RANGE.format(
                what="Screen size",
                value=text,
                amount=f"{inches} inches",
                low=low,
                high=f"{high} inches",
            )
        )
    return inches


# --- Year --------------------------------------------------------------------------------------

FIRST_YEAR = 1990
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_TIME = r"(?:[T\s,]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?\s*(?:[ap]\.?m\.?\s*)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?" + _TIME + "$", re.IGNORECASE)
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME + "$", re.IGNORECASE)
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_NAMED = re.compile(
    r"^(?:(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*)?([a-z]{3,9})\.?[\s\-/.,]*(\d{4}|\d{2})" + _TIME + "$",
    re.IGNORECASE,
)
_NAMED_MONTH_FIRST = re.compile(
    r"^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME + "$", re.IGNORECASE
)
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_EXCEL_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def year_normaliser(this_year: int) -> Callable[[str], int]:
    """The normaliser for a year or date column: the year, from 1990 to next year.

    Reads a year ("2019"), ISO dates ("2019-12-31", with or without a time), UK dates
    ("31/12/2019", "31-12-19", "31.12.2019", "1 Jan 2020", "Jan 2020", "12/2019") and Excel's
    serial day numbers (43830 = 31 December 2019). A date that only makes sense month first
    ("12/31/2019") is refused as not a UK date.
    """
    high = this_year + 1

    def checked(year: int, text: str) -> int:
        if not FIRST_YEAR <= year <= high:
            raise Invalid(
                messages.YEAR_OUT_OF_RANGE.format(value=text, year=year, low=FIRST_YEAR, high=high)
            )
        return year

    def full_year(digits: str) -> int:
        if len(digits) == 4:
            return int(digits)
        two = int(digits)
        return 2000 + two if two <= high % 100 else 1900 + two

    def real_date(year: int, month: int, day: int) -> bool:
        try:
            datetime.date(year, month, day)
        except ValueError:
            return False
        return True

    def normalise(text: str) -> int:
        if match := _YEAR.match(text):
            return checked(int(match[1]), text)
        if match := _EXCEL_SERIAL.match(text):
            day = _EXCEL_EPOCH + datetime.timedelta(days=int(match[1]))
            return checked(day.year, text)
        if match := _ISO.match(text):
            year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
            if real_date(year, month, day):
                return checked(year, text)
        elif match := _NUMERIC.match(text):
            first, second, year = int(match[1]), int(match[2]), full_year(match[3])
            if real_date(year, second, first):
                return checked(year, text)
            if real_date(year, first, second):
                raise Invalid(messages.NOT_A_UK_DATE.format(value=text))
        elif match := _MONTH_YEAR.match(text):
            if 1 <= int(match[1]) <= 12:
                return checked(int(match[2]), text)
        elif match := _NAMED.match(text):
            month = MONTHS.get(match[2].lower())
            year = full_year(match[3])
            if month and real_date(year, month, int(match[1] or 1)):
                return checked(year, text)
        elif match := _NAMED_MONTH_FIRST.match(text):
            month = MONTHS.get(match[1].lower())
            year = int(match[3])
            if month and real_date(year, month, int(match[2])):
                return checked(year, text)
        raise Invalid(messages.NOT_A_DATE.format(value=text))

    return normalise


# --- Device type -------------------------------------------------------------------------------


class UnknownType(str):
    """A device type cell Rehome does not recognise, kept so the error can quote it."""


# What a donor may write for each device type, matched on the whole cell and then word by word
# (so "Staff Laptops" is a laptop). Lower case, punctuation read as spaces.
TYPE_WORDS: dict[str, str] = {
    "laptop": (
        "laptop, laptops, notebook, notebooks, macbook, macbooks, chromebook, chromebooks, "
        "ultrabook, ultrabooks, netbook, netbooks, convertible, convertibles, portable, 2 in 1, "
        "mobile workstation, laptop computer, notebook computer, notebook pc, portable computer"
    ),
    "desktop": (
        "desktop, desktops, pc, pcs, workstation, workstations, tower, towers, all in one, "
        "all in ones, aio, imac, mac mini, mac pro, mac studio, chromebox, small form factor, "
        "sff, mini pc, thin client, thin clients, desktop computer, desktop pc"
    ),
    "tablet": "tablet, tablets, ipad, ipads, slate, slates, tablet pc, android tablet",
    "smartphone": (
        "smartphone, smartphones, smart phone, phone, phones, mobile, mobiles, mobile phone, "
        "mobile phones, iphone, iphones, handset, handsets, cellphone, cellphones, cell phone, "
        "android phone"
    ),
    "other": (
        "other, others, monitor, monitors, printer, printers, dock, docks, docking station, "
        "docking stations, server, servers, router, routers, switch, switches, projector, "
        "projectors, tv, television, keyboard, keyboards, mouse, mice, accessory, accessories, "
        "peripheral, peripherals, ipod, smartwatch, watch, headset, webcam"
    ),
}
# Words too vague to outweigh a clearer word in the same cell ("Tablet PC", "Mobile workstation").
WEAK_TYPE_WORDS = frozenset({"pc", "pcs", "mobile", "mobiles", "portable", "workstation"})
TYPE_PHRASES = {
    phrase.strip(): kind for kind, phrases in TYPE_WORDS.items() for phrase in phrases.split(",")
}
_NON_WORD = re.compile(r"[^a-z0-9]+")


def device_type(text: str) -> str:
    """A canonical type from DEVICE_TYPES, or the cell as an UnknownType."""
    words = _NON_WORD.sub(" ", text.casefold()).split()
    phrase = " ".join(words)
    if phrase in TYPE_PHRASES:
        return TYPE_PHRASES[phrase]
    strong, weak = set(), set()
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            candidate = " ".join(words[start : start + size])
            found = TYPE_PHRASES.get(candidate)
            if found:
                (weak if candidate in WEAK_TYPE_WORDS else strong).add(found)
    for found in (strong, weak):
        if len(found) == 1:
            return found.pop()
    return UnknownType(text)


# Product lines that say what a device is and who made it, matched at the start of a word of the
# model, first match wins ("MacBookPro15,2" and "MacBook Pro (13-inch, 2019)" are both laptops).
MODEL_HINTS: tuple[tuple[str, str, str | None], ...] = (
    ("macbook", "laptop", "Apple"),
    ("imac", "desktop", "Apple"),
    ("mac mini", "desktop", "Apple"),
    ("macmini", "desktop", "Apple"),
    ("mac studio", "desktop", "Apple"),
    ("mac pro", "desktop", "Apple"),
    ("macpro", "desktop", "Apple"),
    ("ipad", "tablet", "Apple"),
    ("iphone", "smartphone", "Apple"),
    ("ipod", "other", "Apple"),
    ("thinkpad", "laptop", "Lenovo"),
    ("thinkbook", "laptop", "Lenovo"),
    ("ideapad", "laptop", "Lenovo"),
    ("thinkcentre", "desktop", "Lenovo"),
    ("ideacentre", "desktop", "Lenovo"),
    ("latitude", "laptop", "Dell"),
    ("xps", "laptop", "Dell"),
    ("optiplex", "desktop", "Dell"),
    ("elitebook", "laptop", "HP"),
    ("probook", "laptop", "HP"),
    ("zbook", "laptop", "HP"),
    ("elite dragonfly", "laptop", "HP"),
    ("elitedesk", "desktop", "HP"),
    ("prodesk", "desktop", "HP"),
    ("eliteone", "desktop", "HP"),
    ("proone", "desktop", "HP"),
    ("surface studio", "desktop", "Microsoft"),
    ("surface hub", "other", "Microsoft"),
    ("surface", "laptop", "Microsoft"),
    ("galaxy tab", "tablet", "Samsung"),
    ("galaxy book", "laptop", "Samsung"),
    ("galaxy watch", "other", "Samsung"),
    ("galaxy", "smartphone", "Samsung"),
    # Samsung's model codes, as MDM tools report them: SM-T, SM-X and SM-P are tablets.
    ("sm t", "tablet", "Samsung"),
    ("sm x", "tablet", "Samsung"),
    ("sm p", "tablet", "Samsung"),
    ("sm a", "smartphone", "Samsung"),
    ("sm g", "smartphone", "Samsung"),
    ("sm n", "smartphone", "Samsung"),
    ("sm s", "smartphone", "Samsung"),
    ("sm f", "smartphone", "Samsung"),
    ("sm m", "smartphone", "Samsung"),
    ("pixelbook", "laptop", "Google"),
    ("pixel tablet", "tablet", "Google"),
    ("pixel slate", "tablet", "Google"),
    ("pixel", "smartphone", "Google"),
    ("zenbook", "laptop", "ASUS"),
    ("vivobook", "laptop", "ASUS"),
    ("expertbook", "laptop", "ASUS"),
    ("travelmate", "laptop", "Acer"),
    ("veriton", "desktop", "Acer"),
    ("xperia", "smartphone", "Sony"),
    ("moto", "smartphone", "Motorola"),
    ("oneplus", "smartphone", "OnePlus"),
    ("chromebook", "laptop", None),
    ("chromebox", "desktop", None),
    ("laptop", "laptop", None),
    ("notebook", "laptop", None),
    ("desktop", "desktop", None),
    ("tablet", "tablet", None),
    ("tab", "tablet", None),
)


def model_hint(model_text: str | None) -> tuple[str | None, str | None]:
    """(device type, make) that a model name implies, each None when it says nothing."""
    if not model_text:
        return None, None
    text = " " + " ".join(re.findall(r"[a-z]+|\d+", model_text.casefold())) + " "
    for start, hinted_type, hinted_make in MODEL_HINTS:
        if " " + start in text:
            return hinted_type, hinted_make
    return None, None


def os_hint(os_text: str | None, model_text: str | None) -> str | None:
    """The device type an operating system implies: iPadOS a tablet, iOS a smartphone, Android a
    smartphone unless the model says tab/tablet, ChromeOS a laptop. Windows, macOS and Linux run
    on laptops and desktops alike, so they say nothing."""
    if not os_text:
        return None
    system = os_text.casefold()
    if "ipados" in system:
        return "tablet"
    if system.startswith("ios") or "iphone" in system:
        return "smartphone"
    if "android" in system:
        model_words = " " + " ".join(re.findall(r"[a-z]+", (model_text or "").casefold()))
        return "tablet" if " tab" in model_words else "smartphone"
    if "chrome" in system:
        return "laptop"
    if "windows mobile" in system or "windows phone" in system:
        return "smartphone"
    if any(name in system for name in ("tvos", "watchos", "visionos")):
        return "other"
    return None


def resolve_type(
    given: str | None,
    model_text: str | None,
    identifier: str | None,
    os_text: str | None,
    default: str | None,
) -> tuple[str | None, str | None]:
    """(device type, error message): the cell's type if recognised, else what the model (or the
    Jamf/Apple model identifier) implies, else what the operating system implies, else the
    donor's default for devices without a type."""
    if given in DEVICE_TYPES:
        return given, None
    inferred = (
        model_hint(model_text)[0] or model_hint(identifier)[0] or os_hint(os_text, model_text)
    )
    if inferred:
        return inferred, None
    if default:
        return default, None
    if given:
        return None, messages.UNKNOWN_TYPE.format(value=given)
    return None, messages.NO_TYPE
