"""Notes refuse obvious personal data, and let through what workers really write."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.personal_data import (
    MESSAGES,
    Finding,
    find_personal_data,
    personal_data_errors,
    validate_no_personal_data,
)

POSITIVE = {
    "email": [
        "jo.bloggs@example.org",
        "JO.BLOGGS@EXAMPLE.CO.UK",
        "jo+rehome@mail.example.com",
        "o'neill@example.net",
        "josé@example.com",
        "first_last-2@sub.example.org.uk",
    ],
    "phone": [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "07700-900-123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0) 7700 900123",
        "+44 (0)121 496 0000",
        "0044 7700 900123",
        "(0121) 496 0000",
        "0121-496-0000",
        "0121.496.0000",
        "0121 4960000",
        "020 7946 0000",
        "(020) 7946 0000",
        "01632 960123",
        "016977 3456",
        "0300 123 4567",
    ],
    "ni_number": [
        "AB123456C",
        "ab123456c",
        "AB 12 34 56 C",
        "JG 10 37 59 A",
        "jg-10-37-59-d",
        "CE 123456 B",
    ],
    "postcode": ["B15 2TT", "b152tt", "SW1A 1AA", "wv10 6qh", "M1 1AE"],
    "date_of_birth": [
        "DOB: 12/03/1980",
        "dob 12/03/80",
        "D.O.B. 12.03.1980",
        "d.o.b 3-4-1975",
        "Date of birth: 12 March 1980",
        "date of birth - 1980-03-12",
        "date of birth is 12th March 1980",
        "birth date 12/03/1980",
        "born 12/03/1980",
        "Born on the 3rd of May 1975",
        "born March 12, 1980",
        "born on 12 Mar 80",
        "12/03/1980 (DOB)",
        "(DOB 12/03/1980)",
    ],
}
EXAMPLES = [(kind, text) for kind, texts in POSITIVE.items() for text in texts]

ORDINARY_NOTES = [
    "Laptop serial 5CG1234XYZ, asset tag MM-00123.",
    "IMEI 356938035643809 checked against the register.",
    "IMEI 013456789012345",
    "IMEI 35-693803-564380-9",
    "Referred on 12/03/2026, collected 01.03.2026 10:30.",
    "Seen 2026-03-12 and again on 14 March 2026.",
    "Delivered 01.03.2026 10 laptops.",
    "Family of 5, needs 2 laptops and a tablet.",
    "Grant of £250 covers the data plan until 2027.",
    "Drop-in at 10:30, or 14.30 on Tuesdays.",
    "Lives in B15, school is in WV10.",
    "See REF-2026-0012 and case 2026/0012.",
    "HP EliteBook 840 G5, 8GB RAM, 256GB SSD, Core i5 8th gen.",
    "ThinkPad L14 2nd gen with a 1TB drive",
    "Born in 1980; date of birth not given.",
    "DOB unknown, referred 12/03/2026.",
    "Her son was born last year.",
    "Contact the charity through the Rehome messages page.",
    "Windows 11 Pro 23H2, BIOS 01.15.00",
    "Batch 0012, 120 devices, 3 returned.",
    "Version 1.2.3 on 07/03",
    "QQ 12 34 56 C is HMRC's example number.",
]


def kinds(text: str) -> list[str]:
    return [finding.kind for finding in find_personal_data(text)]


@pytest.mark.parametrize(("kind", "text"), EXAMPLES)
def test_each_kind_is_found_however_it_is_written(kind, text):
    assert kinds(text) == [kind]


@pytest.mark.parametrize(("kind", "text"), EXAMPLES)
def test_each_kind_is_found_inside_a_sentence(kind, text):
    assert kinds(f"Spoke to her yesterday, {text}. Follow up next week.") == [kind]


@pytest.mark.parametrize("text", ORDINARY_NOTES)
def test_ordinary_notes_hold_no_personal_data(text):
    assert find_personal_data(text) == []
    assert personal_data_errors(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("call 07700 900123", "07700 900123"),
        ("call 07700 900123 2 laptops", "07700 900123"),
        ("tel:+447700900123.", "+447700900123"),
        ("mail jo@example.org.", "jo@example.org"),
        ("DOB: 12/03/1980.", "12/03/1980"),
        ("born on the 3rd of May 1975", "3rd of May 1975"),
        ("now at B15 2TT.", "B15 2TT"),
    ],
)
def test_a_finding_spans_just_the_detail(text, found):
    [finding] = find_personal_data(text)

    assert text[finding.start : finding.end] == found


def test_findings_are_in_order_and_each_message_is_given_once():
    text = "Mum 07700 900123, dad 07700 900456, jo@example.org, DOB 12/03/1980, B15 2TT"

    assert kinds(text) == ["phone", "phone", "email", "date_of_birth", "postcode"]
    assert personal_data_errors(text) == [
        MESSAGES["phone"],
        MESSAGES["email"],
        MESSAGES["date_of_birth"],
        MESSAGES["postcode"],
    ]


def test_an_email_address_made_of_other_details_is_one_finding():
    assert kinds("07700900123@sms.example.com") == ["email"]
    assert kinds("ab123456c@example.org b152tt@example.org") == ["email", "email"]


def test_the_messages_say_what_to_do():
    assert MESSAGES["email"] == (
        "This looks like an e-mail address. Rehome must not hold people's contact details: "
        "leave it out."
    )
    assert MESSAGES["postcode"] == (
        "This looks like a full postcode. Give only the postcode district (for example B15), "
        "never a full postcode."
    )
    assert Finding("phone", 0, 12).message == MESSAGES["phone"]


@pytest.mark.parametrize(("kind", "text"), EXAMPLES)
def test_no_message_repeats_what_was_found(kind, text):
    [finding] = find_personal_data(text)
    detail = text[finding.start : finding.end]

    assert detail not in finding.message
    assert detail.lower() not in finding.message.lower()


def test_the_validator_refuses_with_every_message():
    with pytest.raises(ValidationError) as caught:
        validate_no_personal_data("jo@example.org, 07700 900123")

    assert caught.value.messages == [MESSAGES["email"], MESSAGES["phone"]]
    assert {error.code for error in caught.value.error_list} == {"personal_data"}


@pytest.mark.parametrize("value", ["", None, "Needs 2 laptops for homework, lives in B15."])
def test_the_validator_lets_ordinary_notes_through(value):
    validate_no_personal_data(value)


# Every kind needs an ASCII digit or an @ sign, so text with neither can hold none.
text_without_digits_or_at = st.text(
    st.characters(exclude_characters="0123456789@", exclude_categories=("Cs",)), max_size=60
)
# Letters, spaces and the punctuation of ordinary sentences, to put around a detail.
surroundings = st.text(st.sampled_from("abcdefghij XYZ,.;!?"), max_size=20)


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_any_text_gives_ordered_findings_inside_it(text):
    findings = find_personal_data(text)

    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.kind in MESSAGES
    for before, after in itertools.pairwise(findings):
        assert before.end <= after.start


@settings(max_examples=300)
@given(text_without_digits_or_at)
def test_text_without_digits_or_at_signs_holds_no_personal_data(text):
    assert find_personal_data(text) == []


@settings(max_examples=300)
@given(example=st.sampled_from(EXAMPLES), before=surroundings, after=surroundings)
def test_a_detail_set_apart_by_spaces_is_found_wherever_it_is(example, before, after):
    kind, detail = example
    text = f"{before} {detail} {after}"

    assert kind in kinds(text)
