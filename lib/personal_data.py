"""Obvious personal data in free text (notes, reasons), found so that it can be refused.

Rehome holds no names, addresses, dates of birth or contact details of the people it helps: a
charity knows them, Rehome knows only the charity's pseudonymous reference. Free text is where
such details slip in, so notes are checked for e-mail addresses, UK phone numbers, National
Insurance numbers, full postcodes and dates of birth. Names cannot be found reliably and are not
tried.

The patterns lean towards letting ordinary notes through: serial numbers, asset tags, IMEIs,
reference numbers, sums of money, times, counts, postcode districts and dates that are not said
to be a birth date are all left alone. Messages never repeat what was found, so refusing a note
does not copy the detail into a log or a page.
"""

import re
from dataclasses import dataclass
from typing import Literal

from lib.postcodes import FULL_POSTCODE

Kind = Literal["email", "phone", "ni_number", "postcode", "date_of_birth"]

MESSAGES: dict[Kind, str] = {
    "email": (
        "This looks like an e-mail address. Rehome must not hold people's contact details: "
        "leave it out."
    ),
    "phone": (
        "This looks like a phone number. Rehome must not hold people's contact details: "
        "leave it out."
    ),
    "ni_number": (
        "This looks like a National Insurance number. Rehome must not hold people's identity "
        "numbers: leave it out."
    ),
    "postcode": (
        "This looks like a full postcode. Give only the postcode district (for example B15), "
        "never a full postcode."
    ),
    "date_of_birth": (
        "This looks like a date of birth. Rehome must not hold people's dates of birth: "
        "leave it out."
    ),
}


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int
    end: int

    @property
    def message(self) -> str:
        return MESSAGES[self.kind]


_EMAIL = re.compile(r"(?<![\w.%+'-])[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")

# Between two digits of a phone number: one space, dot or dash, or the bracket closing an area
# code. The digit after the first of the national number must follow it directly (the area code
# or mobile prefix is never split), which is what keeps "01.03.2026 10:30" from being a phone.
_DIGIT = r"(?:[ .-]|\) ?)?[0-9]"
_NATIONAL_NUMBER = rf"(?:[237](?=[0-9])(?:{_DIGIT}){{9}}|1(?=[0-9])(?:{_DIGIT}){{8,9}})"
_PHONE = re.compile(
    rf"(?<![\w+])(?:(?:\+|00)44[ .-]?(?:\(0\)[ .-]?)?\(?|\(?0){_NATIONAL_NUMBER}(?!\w)"
)

# HMRC's rules: the first letter is not D, F, I, Q, U or V; the second not D, F, I, O, Q, U or
# V; and the pairs BG, GB, KN, NK, NT, TN and ZZ are never issued.
_NI_NUMBER = re.compile(
    r"(?<![A-Z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"(?:[ -]?[0-9]{2}){3}[ -]?[A-D](?![A-Z0-9])",
    re.ASCII | re.IGNORECASE,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"[0-9]{1,2}(?:st|nd|rd|th)?"
_DATE = (
    r"(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"|[0-9]{1,2}[/.-][0-9]{1,2}(?:[/.-][0-9]{2,4})?"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+[0-9]{{2,4}})?"
    rf"|{_MONTH}\s+{_DAY}(?:,?\s+[0-9]{{2,4}})?)(?![\w/])"
)
_DOB_WORD = r"(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s?date)"
# A date counts as a date of birth only when a birth word is right next to it: "DOB: 12/03/1980",
# "born on the 3rd of May 1975", "12/03/1980 (DOB)". "Referred on 12/03/2026" is not refused.
_DATE_OF_BIRTH = re.compile(
    rf"\b(?:{_DOB_WORD}|born)\s*[:=\u2013-]?\s*(?:(?:is|was|on)\s+)?(?:the\s+)?(?P<after>{_DATE})"
    rf"|(?<![\w/.-])(?P<before>{_DATE})\s*\(\s*{_DOB_WORD}\s*\)",
    re.IGNORECASE,
)


def _date_of_birth_spans(text: str):
    for match in _DATE_OF_BIRTH.finditer(text):
        group = "after" if match.group("after") else "before"
        yield match.start(group), match.end(group)


def find_personal_data(text: str) -> list[Finding]:
    """Every piece of obvious personal data in the text, in order, none overlapping another
    (an e-mail address made of a phone number is one finding, an e-mail address)."""
    found = [
        *(Finding("email", *m.span()) for m in _EMAIL.finditer(text)),
        *(Finding("phone", *m.span()) for m in _PHONE.finditer(text)),
        *(Finding("ni_number", *m.span()) for m in _NI_NUMBER.finditer(text)),
        *(Finding("postcode", *m.span()) for m in FULL_POSTCODE.finditer(text)),
        *(Finding("date_of_birth", *span) for span in _date_of_birth_spans(text)),
    ]
    found.sort(key=lambda f: (f.start, -f.end))
    kept: list[Finding] = []
    for finding in found:
        if not kept or finding.start >= kept[-1].end:
            kept.append(finding)
    return kept


def personal_data_errors(text: str) -> list[str]:
    """The message for each kind of personal data in the text, once each, in order."""
    return list(dict.fromkeys(finding.message for finding in find_personal_data(text)))


# Django


def validate_no_personal_data(value) -> None:
    """A model or form field validator refusing obvious personal data."""
    from django.core.exceptions import ValidationError

    if errors := personal_data_errors(str(value or "")):
        raise ValidationError([ValidationError(e, code="personal_data") for e in errors])
