from django import forms
from django.core.validators import RegexValidator

from regions.models import Area

from .models import Audience, ServiceKind
from .services import Entry

# PostgreSQL cannot store NUL in text: refused here with a message, not at the database.
NO_NUL = RegexValidator(r"^[^\x00]*$", "Remove the invisible control characters.")
PHONE = RegexValidator(
    r"^\+?[0-9 ()-]{6,30}$", "Enter a phone number using digits, spaces and brackets only."
)
KIND_CHOICES = [("", "Any type"), *ServiceKind.choices]
AUDIENCE_CHOICES = [("", "Anyone"), *(c for c in Audience.choices if c[0] != Audience.EVERYONE)]


class SearchForm(forms.Form):
    """The public directory's filters; every one optional, each refused clearly when unknown."""

    q = forms.CharField(
        label="Keyword",
        required=False,
        max_length=100,
        validators=[NO_NUL],
        help_text="For example: laptop, repair, English, Wolverhampton.",
    )
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.none(),
        required=False,
        empty_label="All areas",
        to_field_name="slug",
    )
    kind = forms.ChoiceField(label="Type of service", choices=KIND_CHOICES, required=False)
    audience = forms.ChoiceField(label="Who it is for", choices=AUDIENCE_CHOICES, required=False)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (
            Area.objects.filter(region=region).defer("boundary", "statistics").order_by("name")
        )


class EntryForm(forms.Form):
    name = forms.CharField(label="Name", max_length=160, validators=[NO_NUL])
    kind = forms.ChoiceField(
        label="Type of service", choices=ServiceKind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label="What it offers",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[NO_NUL],
    )
    areas = forms.ModelMultipleChoiceField(
        label="Areas it serves",
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
        help_text="Choose all that apply.",
    )
    audiences = forms.MultipleChoiceField(
        label="Who it is for",
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply.",
    )
    eligibility = forms.CharField(
        label="Eligibility (optional)",
        required=False,
        max_length=1000,
        validators=[NO_NUL],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Who can use it, and anything they need to bring or show.",
    )
    how_to_access = forms.CharField(
        label="How to get referred or join (optional)",
        required=False,
        max_length=1000,
        validators=[NO_NUL],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    opening_times = forms.CharField(
        label="Opening times (optional)",
        required=False,
        max_length=200,
        validators=[NO_NUL],
        help_text="For example: Tuesdays 10am to 12 noon, term time only.",
    )
    address = forms.CharField(
        label="Where (optional)",
        required=False,
        max_length=240,
        validators=[NO_NUL],
        help_text="The venue's address, if it runs somewhere people visit.",
    )
    contact_email = forms.EmailField(label="E-mail (optional)", required=False)
    contact_phone = forms.CharField(
        label="Phone (optional)",
        required=False,
        max_length=30,
        validators=[PHONE],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "type": "tel"}),
    )
    website = forms.URLField(
        label="Website (optional)", required=False, max_length=200, assume_scheme="https"
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = (
            Area.objects.filter(region=region).defer("boundary", "statistics").order_by("name")
        )

    @classmethod
    def initial_from(cls, entry: Entry) -> dict:
        return {**entry.data(), "areas": entry.area_codes}

    def entry(self) -> Entry:
        data = self.cleaned_data
        return Entry(
            name=data["name"],
            kind=data["kind"],
            description=data["description"],
            area_codes=[area.code for area in data["areas"]],
            audiences=list(data["audiences"]),
            eligibility=data["eligibility"],
            how_to_access=data["how_to_access"],
            opening_times=data["opening_times"],
            address=data["address"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            website=data["website"],
        )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why it is not approved",
        max_length=1000,
        validators=[NO_NUL],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the organisation, so they can put it right.",
        error_messages={"required": "Say why the change is not approved."},
    )
