from django import forms

from devices.models import DeviceType
from directory.models import Service
from lib.suitability import TIER_HELP, TIER_LABELS
from regions.models import Area

from .models import (
    Accessibility,
    CloseReason,
    Confidence,
    Connectivity,
    ConsentBy,
    ConsentPurpose,
    Eligibility,
    Priority,
    SimBatch,
    SkillsTopic,
    StillUsing,
    Use,
)
from .services import Bundle, Needs, Outcome

DEVICE_CHOICES = [(v, label) for v, label in DeviceType.choices if v != DeviceType.OTHER]
NO_PERSONAL_DATA = (
    "Do not write names, addresses, phone numbers, e-mail addresses or dates of birth: Rehome "
    "does not hold them."
)


class ReferralForm(forms.Form):
    reference = forms.CharField(
        label="Your reference for this person",
        max_length=40,
        help_text="The reference you use in your own records, e.g. LCH-0142. Never their name.",
    )
    area = forms.ModelChoiceField(
        label="Where they live", queryset=Area.objects.none(), empty_label="Choose an area"
    )
    postcode_district = forms.CharField(
        label="Postcode district (optional)",
        required=False,
        max_length=8,
        help_text="Only the first half of the postcode, e.g. B15. Not the full postcode.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
    )
    eligibility = forms.MultipleChoiceField(
        label="Why they are eligible",
        choices=Eligibility.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply.",
    )
    device_type = forms.ChoiceField(
        label="Device they need", choices=DEVICE_CHOICES, widget=forms.RadioSelect
    )
    substitutes = forms.MultipleChoiceField(
        label="Other devices that would also do (optional)",
        choices=DEVICE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Accepting another type can mean a shorter wait.",
    )
    minimum_tier = forms.TypedChoiceField(
        label="Minimum specification",
        choices=[(tier, f"{label}: {TIER_HELP[tier]}") for tier, label in TIER_LABELS.items()],
        coerce=int,
        initial=1,
        required=False,
        empty_value=1,
        widget=forms.RadioSelect,
        help_text="Ask for more than basic only when their use needs it: it can mean a longer wait.",
    )
    accessibility = forms.MultipleChoiceField(
        label="Accessibility needs (optional)",
        choices=Accessibility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    connectivity = forms.ChoiceField(
        label="Getting online", choices=Connectivity.choices, widget=forms.RadioSelect
    )
    skills = forms.MultipleChoiceField(
        label="Skills support they would like (optional)",
        choices=SkillsTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priority = forms.TypedChoiceField(
        label="Priority",
        choices=Priority.choices,
        coerce=int,
        initial=Priority.STANDARD,
        widget=forms.RadioSelect,
    )
    priority_reason = forms.CharField(
        label="Why this priority (for urgent or high)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NO_PERSONAL_DATA,
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_PERSONAL_DATA + " Notes are deleted a while after the referral closes.",
    )
    consent_by = forms.ChoiceField(
        label="Who gave consent", choices=ConsentBy.choices, widget=forms.RadioSelect
    )
    consent_purposes = forms.MultipleChoiceField(
        label="They agreed to",
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The first and last are needed to refer someone.",
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(region=region).order_by("name")

    @classmethod
    def initial_from(cls, referral) -> dict:
        return {
            name: getattr(referral, name)
            for name in cls.base_fields
            if hasattr(referral, name) and name != "area"
        } | {"area": referral.area_id}

    def needs(self) -> Needs:
        data = self.cleaned_data
        return Needs(
            reference=data["reference"],
            area=data["area"],
            postcode_district=data.get("postcode_district", ""),
            eligibility=data["eligibility"],
            device_type=data["device_type"],
            substitutes=data.get("substitutes", []),
            minimum_tier=data.get("minimum_tier") or 1,
            accessibility=data.get("accessibility", []),
            connectivity=data["connectivity"],
            skills=data.get("skills", []),
            priority=data["priority"],
            priority_reason=data.get("priority_reason", ""),
            notes=data.get("notes", ""),
            consent_by=data["consent_by"],
            consent_purposes=data["consent_purposes"],
        )


class WithdrawForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the referral withdrawn?",
        choices=CloseReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="More detail (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NO_PERSONAL_DATA,
    )


class HandoverForm(forms.Form):
    device_identifier = forms.CharField(
        label="Scan or type the device's serial number or asset tag",
        help_text="To be sure the person gets the device allocated to them.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    sim_batch = forms.ModelChoiceField(
        label="Data SIM given",
        queryset=SimBatch.objects.none(),
        required=False,
        empty_label="No SIM",
    )
    social_tariff_signposted = forms.BooleanField(
        label="We helped them apply for a social tariff", required=False
    )
    skills_offers = forms.ModelMultipleChoiceField(
        label="Skills support booked or referred to",
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills_note = forms.CharField(
        label="About the skills support (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. booked onto the Tuesday beginners' course. " + NO_PERSONAL_DATA,
    )
    terms_agreed = forms.BooleanField(
        label="They agreed to the terms: the device is theirs to keep; it is not for resale; "
        "they know how to get help or give it back.",
        required=False,
    )

    def __init__(self, *args, sims, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sim_batch"].queryset = sims
        self.fields["sim_batch"].label_from_instance = lambda b: f"{b} ({b.left} left)"
        self.fields["skills_offers"].queryset = offers

    def bundle(self, device) -> Bundle:
        data = self.cleaned_data
        return Bundle(
            device=device,
            terms_agreed=data.get("terms_agreed", False),
            sim_batch=data.get("sim_batch"),
            social_tariff_signposted=data.get("social_tariff_signposted", False),
            skills_offers=data.get("skills_offers") or [],
            skills_note=data.get("skills_note", ""),
        )


class FollowUpForm(forms.Form):
    still_using = forms.ChoiceField(
        label="Are they still using the device?",
        choices=StillUsing.choices,
        widget=forms.RadioSelect,
    )
    uses = forms.MultipleChoiceField(
        label="What do they use it for? (optional)",
        choices=Use.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confidence = forms.ChoiceField(
        label="Do they feel more confident online?",
        choices=Confidence.choices,
        widget=forms.RadioSelect,
    )
    needs_more_help = forms.BooleanField(label="They need more help", required=False)
    note = forms.CharField(
        label="Anything else (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NO_PERSONAL_DATA,
    )

    def outcome(self) -> Outcome:
        data = self.cleaned_data
        return Outcome(
            still_using=data["still_using"],
            confidence=data["confidence"],
            uses=data.get("uses", []),
            needs_more_help=data.get("needs_more_help", False),
            note=data.get("note", ""),
        )


class SimBatchForm(forms.Form):
    network = forms.CharField(label="Mobile network", max_length=60)
    data_gb = forms.IntegerField(
        label="Data per month (GB)",
        required=False,
        min_value=1,
        help_text="Leave empty for unlimited data.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )
    months = forms.IntegerField(
        label="Months of data",
        min_value=1,
        max_value=60,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )
    quantity = forms.IntegerField(
        label="How many SIMs",
        min_value=1,
        max_value=10_000,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )
    source = forms.CharField(
        label="Where they came from (optional)",
        max_length=120,
        required=False,
        help_text="e.g. National Databank.",
    )


class GetHelpForm(forms.Form):
    area = forms.ModelChoiceField(
        label="Where do you live?", queryset=Area.objects.none(), empty_label="Choose an area"
    )
    need = forms.ChoiceField(
        label="What would help?",
        choices=[
            ("device", "A laptop, tablet or phone"),
            ("connectivity", "Getting online: data or a cheaper broadband deal"),
            ("skills", "Help to use the internet"),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(region=region).order_by("name")
