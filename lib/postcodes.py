"""UK postcodes: the district (outward code, "B15") that Rehome keeps, and the full postcode
("B15 2TT") that it never keeps, because a full postcode narrows a household to a few doors.

Shapes follow Royal Mail's rules: the outward code is one of the 124 postcode areas (the UK's
121 and the Crown dependencies' GY, IM and JE) then A9, A99, A9A, AA9, AA99 or AA9A; the inward
code is a digit and two letters other than C, I, K, M, O and V. Keeping to the real areas, rather
than any one or two letters, keeps most model numbers and codes ("A4 2PP", "X1 1AB") from passing
as postcodes.
"""

import re

_AREA_LIST = (
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY "
    "E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE "
    "LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL "
    "SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE"
)
AREAS = frozenset(_AREA_LIST.split())

_ONE_LETTER = "|".join(sorted(a for a in AREAS if len(a) == 1))
_TWO_LETTERS = "|".join(sorted(a for a in AREAS if len(a) == 2))
# The letter that may end a district differs after one letter (W1A) and after two (SW1A).
_OUTWARD = (
    rf"(?:(?:{_ONE_LETTER})[0-9](?:[0-9]|[A-HJKPSTUW])?"
    rf"|(?:{_TWO_LETTERS})[0-9](?:[0-9]|[ABEHMNPRVWXY])?)"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_FLAGS = re.ASCII | re.IGNORECASE

_DISTRICT = re.compile(_OUTWARD, _FLAGS)
_POSTCODE = re.compile(rf"(?P<outward>{_OUTWARD})\s?(?P<inward>{_INWARD})", _FLAGS)

# A full postcode anywhere in free text, with or without its space, in any case. Not inside a
# longer run of letters and digits, so a serial number such as "XB152TT9" is not a postcode. An
# inward code that reads as an ordinal or a storage size is left alone: "ThinkPad L14 2nd gen"
# and "HP EliteBook 840 G5 8GB" are ordinary notes, and a real postcode of that shape (a few in
# a thousand) is the price of not refusing them.
FULL_POSTCODE = re.compile(
    rf"(?<![A-Z0-9])(?P<outward>{_OUTWARD})\s?"
    rf"(?!(?:1ST|2ND|3RD|[0-9]TH|[0-9]GB|[0-9]TB)(?![A-Z0-9]))"
    rf"(?P<inward>{_INWARD})(?![A-Z0-9])",
    _FLAGS,
)


def normalise_district(text: str) -> str | None:
    """The postcode district in capitals ("b15 " gives "B15"), or None if the text is not one;
    a full postcode is not a district, so it gives None too."""
    match = _DISTRICT.fullmatch(text.strip())
    return match.group().upper() if match else None


def is_full_postcode(text: str) -> bool:
    return _POSTCODE.fullmatch(text.strip()) is not None


def district_of(postcode: str) -> str | None:
    """The district of a full postcode ("b152tt" gives "B15"), or None if it is not one."""
    match = _POSTCODE.fullmatch(postcode.strip())
    return match.group("outward").upper() if match else None
