"""The guide's questions, one form per step, and the coordinator's rules editor."""

import datetime
import json
import re
from calendar import monthrange

from django import forms
from django.utils import timezone

from lib.assessment import DeviceFacts

DONT_KNOW = ("unknown", "I don't know")
YES_NO = [("yes", "Yes"), ("no", "No")]


def _radios(label, choices, **kwargs):
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, **kwargs)


def _number(label, help_text, *, min_value, max_value):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=min_value,
        max_value=max_value,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )


class DeviceStep(forms.Form):
    title = "About the device"
    device_type = _radios(
        "What kind of device is it?",
        [
            ("laptop", "Laptop (including a Chromebook or MacBook)"),
            ("desktop", "Desktop computer"),
            ("tablet", "Tablet (including an iPad)"),
            ("smartphone", "Smartphone"),
            ("other", "Something else"),
        ],
    )
    make = forms.CharField(
        label="Make (optional)",
        required=False,
        max_length=80,
        help_text="For example Lenovo, Apple or Samsung.",
    )
    model = forms.CharField(
        label="Model (optional)",
        required=False,
        max_length=120,
        help_text="On a label underneath, or in its settings under About.",
    )
    year = _number(
        "Year it was made (optional)",
        "Roughly is fine: the date on its label, or the year the model came out.",
        min_value=1990,
        max_value=2100,
    )
    powers_on = _radios("Does it switch on and start up?", YES_NO)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError("The year it was made cannot be in the future.")
        return year


class InsideStep(forms.Form):
    title = "What is inside it"
    cpu = forms.CharField(
        label="Processor (optional)",
        required=False,
        max_length=120,
        help_text="As its settings show it under About (on a Mac: Apple menu, About This Mac), "
        "for example Intel Core i5-8250U, AMD Ryzen 5 3500U, Apple M1 or Intel Celeron N4000. "
        "Leave it empty for a phone or tablet.",
    )
    ram_gb = _number(
        "Memory (RAM) in GB (optional)",
        "Also under About in its settings, for example 8.",
        min_value=0,
        max_value=4096,
    )
    storage_gb = _number(
        "Storage size in GB (optional)",
        "For example 256. A 1 TB drive is 1000 GB.",
        min_value=0,
        max_value=100_000,
    )
    storage_type = _radios(
        "What kind of storage does it have?",
        [
            ("ssd", "Solid-state drive (SSD)"),
            ("hdd", "Hard disk (HDD)"),
            ("emmc", "Built-in flash (eMMC), as in phones, tablets and small laptops"),
            DONT_KNOW,
        ],
    )


class ConditionStep(forms.Form):
    title = "Its condition"
    battery = _radios(
        "How is the battery?",
        [
            ("good", "Good: lasts most of a day (80% of its original capacity or more)"),
            ("worn", "Worn: lasts a few hours (60 to 80%)"),
            ("poor", "Poor: lasts under an hour, is swollen, or is below 60%"),
            ("none", "It has no battery (a desktop computer)"),
            DONT_KNOW,
        ],
    )
    screen = _radios(
        "How is the screen?",
        [
            ("ok", "It works and is not cracked"),
            ("cracked", "It is cracked, but it works"),
            ("broken", "It does not work (blank, lines or dead patches)"),
            DONT_KNOW,
        ],
    )
    keyboard = _radios(
        "Do the keyboard, touchpad and touch screen work?",
        [("ok", "Yes, all of them"), ("faulty", "Some keys or touch do not work"), DONT_KNOW],
    )


LOCK_CHOICES = [
    (
        "apple_activation_lock",
        "Apple Activation Lock: it asks for the previous owner's Apple ID, or Find My is on",
    ),
    ("google_frp", "Google: after a reset it asks for the previous owner's Google account"),
    ("mdm", "Managed: it says it is managed by an organisation, or sets itself up for one"),
    ("firmware_password", "It asks for a password before it starts (BIOS or firmware password)"),
    ("none", "None of these"),
    ("unknown", "I have not checked"),
]


class SoftwareStep(forms.Form):
    title = "Software and locks"
    operating_system = _radios(
        "Which operating system does it run?",
        [
            ("windows_11", "Windows 11"),
            ("windows_10", "Windows 10"),
            ("windows_older", "An older Windows (8.1, 7 or earlier)"),
            ("macos", "macOS"),
            ("chromeos", "ChromeOS (a Chromebook)"),
            ("linux", "Linux"),
            ("android", "Android"),
            ("ios", "iOS or iPadOS"),
            ("none", "None: it has been wiped"),
            ("other", "Something else"),
            DONT_KNOW,
        ],
    )
    security_updates = _radios(
        "Does it still get security updates?",
        [*YES_NO, DONT_KNOW],
        help_text="Windows 10 stopped getting them on 14 October 2025. A phone shows the date of "
        "its latest security update in its settings.",
    )
    updates_until = forms.CharField(
        label="When do its security updates end? (optional)",
        required=False,
        max_length=20,
        help_text="For a Chromebook, its auto update expiration date (Settings, About ChromeOS); "
        "for a phone or tablet, the end of its maker's update period. Month and year, for "
        "example 06/2027.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    tpm = _radios(
        "Windows computers: does it have TPM 2.0? (optional)",
        [*YES_NO, DONT_KNOW],
        required=False,
        help_text="Windows 11 needs it. Run tpm.msc: it shows the specification version.",
    )
    locks = forms.MultipleChoiceField(
        label="Is it locked to anyone?",
        choices=LOCK_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply.",
    )

    def clean_updates_until(self):
        text = self.cleaned_data["updates_until"].strip()
        if not text:
            return None
        found = parse_month(text)
        if found is None:
            raise forms.ValidationError(
                "Enter the month and year security updates end, for example 06/2027."
            )
        return found.isoformat()

    def clean_locks(self):
        locks = self.cleaned_data["locks"]
        for alone in ("none", "unknown"):
            if alone in locks and len(locks) > 1:
                label = dict(LOCK_CHOICES)[alone]
                raise forms.ValidationError(f"Choose “{label}” on its own, or only the locks.")
        return locks


class DataStep(forms.Form):
    title = "The data on it"
    data_wiped = _radios(
        "Has the data on it been wiped to a recognised standard?",
        [
            ("certificate", "Yes, and we have a certificate that says how and when"),
            ("no_certificate", "We are told it was wiped, but there is no certificate"),
            ("no", "No: the donor's data may still be on it"),
            DONT_KNOW,
        ],
    )


# (address slug, form) in the order the guide asks them.
STEPS = [
    ("device", DeviceStep),
    ("inside", InsideStep),
    ("condition", ConditionStep),
    ("software", SoftwareStep),
    ("data", DataStep),
]
STEP_FORMS = dict(STEPS)
MONTHS = {
    name: i
    for i in range(1, 13)
    for name in (
        datetime.date(2000, i, 1).strftime("%B").lower(),
        datetime.date(2000, i, 1).strftime("%b").lower(),
    )
}


def parse_month(text: str) -> datetime.date | None:
    """The last day of a month written as 06/2027, 6-2027, 2027-06, June 2027 or 2027."""
    text = text.strip().lower()
    month = year = None
    if match := re.fullmatch(r"(\d{1,2})\s*[/.-]\s*(\d{4})", text):
        month, year = int(match[1]), int(match[2])
    elif match := re.fullmatch(r"(\d{4})\s*[/.-]\s*(\d{1,2})", text):
        year, month = int(match[1]), int(match[2])
    elif match := re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", text):
        month, year = MONTHS.get(match[1]), int(match[2])
    elif re.fullmatch(r"\d{4}", text):
        month, year = 12, int(text)
    if not month or not 1 <= month <= 12 or not year or not 2000 <= year <= 2100:
        return None
    return datetime.date(year, month, monthrange(year, month)[1])


def facts_from_answers(data: dict) -> DeviceFacts:
    """The guide's cleaned answers as the facts the rules are applied to."""
    locks = tuple(lock for lock in data["locks"] if lock != "none")
    until = data["updates_until"]
    return DeviceFacts(
        device_type=data["device_type"],
        make=data["make"],
        model=data["model"],
        year=data["year"],
        cpu=data["cpu"],
        ram_gb=data["ram_gb"],
        storage_type=data["storage_type"],
        storage_gb=data["storage_gb"],
        powers_on=data["powers_on"] == "yes",
        battery=data["battery"],
        screen=data["screen"],
        keyboard=data["keyboard"],
        operating_system=data["operating_system"],
        security_updates=data["security_updates"],
        updates_until=datetime.date.fromisoformat(until) if until else None,
        tpm=data["tpm"] or "unknown",
        locks=locks,
        data_wiped=data["data_wiped"],
    )


class RulesForm(forms.Form):
    rules = forms.CharField(
        label="The rule table (JSON)",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "autocomplete": "off"}),
        help_text="How rules, conditions and facts are written: see the guide to the rules below.",
    )
    note = forms.CharField(
        label="What changed",
        max_length=300,
        help_text="Shown with the new version, for example “Phones are too old after 5 years”.",
    )

    def clean_rules(self):
        text = self.cleaned_data["rules"]
        try:
            table = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"This is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
            ) from None
        return table
