from django import forms
from django.utils import timezone

from lib import manifest as manifest_lib
from organisations.models import Organisation
from regions.models import Area

from .models import DonorRegistration, Sensitivity
from .services import DEVICE_TYPES

TYPE_LABELS = {
    "laptop": "Laptops",
    "desktop": "Desktops",
    "tablet": "Tablets",
    "smartphone": "Smartphones",
    "other": "Other devices",
}


class DateInput(forms.DateInput):
    """The browser's date picker, which only understands ISO dates (2026-05-04)."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or "%Y-%m-%d")


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = DonorRegistration
        fields = [
            "organisation_name",
            "org_identifier",
            "areas",
            "employees",
            "expected_devices",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        labels = {
            "organisation_name": "Organisation name",
            "areas": "Where your sites are",
            "employees": "Number of employees (optional)",
            "expected_devices": "What you expect to donate (optional)",
            "contact_name": "Your name",
            "contact_email": "Your work email address",
            "contact_phone": "Work phone (optional)",
        }
        help_texts = {
            "org_identifier": "Optional: your company or charity number in org-id.guide form, "
            "e.g. GB-COH-01234567.",
            "contact_email": "We send the invitation to set up your account here.",
        }
        widgets = {"areas": forms.CheckboxSelectMultiple}

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = Area.objects.filter(region=region).order_by("name")


class DecisionForm(forms.Form):
    note = forms.CharField(
        label="Reason (sent to the organisation when declining)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PledgeForm(forms.Form):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label="Area the devices are in")
    sites = forms.CharField(
        label="Collection sites",
        help_text="Your premises' addresses, one per line. Never a home address.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    earliest_collection = forms.DateField(label="Earliest collection date", widget=DateInput)
    sensitivity = forms.ChoiceField(
        label="How sensitive is the data on these devices?",
        choices=Sensitivity.choices,
        widget=forms.RadioSelect,
        initial=Sensitivity.STANDARD,
        help_text="It decides which accreditations the collecting partner must hold.",
    )
    contact_name = forms.CharField(label="Contact name for the collection", max_length=120)
    contact_email = forms.EmailField(label="Contact email")
    contact_phone = forms.CharField(label="Contact phone (optional)", required=False, max_length=40)
    donor_reference = forms.CharField(
        label="Your own reference (optional)",
        required=False,
        max_length=120,
        help_text="A purchase order or ticket number, shown on the certificate.",
    )
    notes = forms.CharField(
        label="Anything the partner should know (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Access, parking, loading bay. No personal data, please.",
    )

    def __init__(self, *args, donor: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.filter(region_id=donor.region_id).order_by("name")
        self.fields["area"].queryset = areas
        served = list(donor.areas_served.all()[:2])
        if len(served) == 1:
            self.fields["area"].initial = served[0].pk
        self.fields["earliest_collection"].initial = timezone.localdate()
        for kind in DEVICE_TYPES:
            self.fields[f"count_{kind}"] = forms.IntegerField(
                label=TYPE_LABELS[kind], min_value=0, max_value=100_000, required=False
            )

    def counts(self) -> dict[str, int]:
        return {kind: self.cleaned_data.get(f"count_{kind}") or 0 for kind in DEVICE_TYPES}

    def clean(self):
        data = super().clean()
        if not any((data.get(f"count_{kind}") or 0) for kind in DEVICE_TYPES):
            raise forms.ValidationError("Say how many devices of at least one type you expect.")
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Why is the pledge withdrawn?", max_length=300)


class BatchForm(forms.Form):
    site = forms.CharField(label="Collection site", max_length=300)
    donor_reference = forms.CharField(label="Your reference (optional)", required=False)


class ManifestUploadForm(forms.Form):
    file = forms.FileField(
        label="Asset list (CSV or XLSX)",
        help_text="The export from your asset system as it is: Snipe-IT, Intune, Jamf or a "
        "spreadsheet with a header row. Up to 20 MB.",
    )


class MappingForm(forms.Form):
    """What each column holds: one choice per header the file has."""

    default_type = forms.ChoiceField(
        label="Devices whose type the file does not say are",
        required=False,
        choices=[("", "Not set: report them as problems")]
        + [(t, TYPE_LABELS[t][:-1]) for t in DEVICE_TYPES],
    )

    def __init__(self, *args, headers: list[str], columns: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Not imported")] + [
            (name, manifest_lib.FIELD_LABELS[name]) for name in manifest_lib.FIELDS
        ]
        self.headers = headers
        for index, header in enumerate(headers):
            personal = manifest_lib.is_personal(header)
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header,
                # A column naming people is never imported: the only answer offered.
                choices=[("", "Not imported: it names people")] if personal else choices,
                required=False,
                initial="" if personal else columns.get(header) or "",
            )

    def overrides(self) -> dict[str, str | None]:
        return {
            header: (self.cleaned_data.get(f"column_{index}") or None)
            for index, header in enumerate(self.headers)
        }


class PartnerForm(forms.Form):
    partner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    collection_date = forms.DateField(label="Collection date", widget=DateInput)
    reason = forms.CharField(
        label="Why this partner?",
        max_length=500,
        help_text="Recorded with the choice, e.g. nearest to the site, or capacity this month.",
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["partner"].label_from_instance = lambda o: o.name


class CollectionForm(forms.Form):
    date = forms.DateField(label="Collection date", widget=DateInput)
    site = forms.CharField(label="Collection site", max_length=300)


class CancelForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=300)


class ReceiveForm(forms.Form):
    identifiers = forms.CharField(
        label="Serial numbers, asset tags or IMEIs",
        help_text="Scan each device as it comes off the van, or paste a list: one per line.",
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "false"}),
    )
    unexpected_type = forms.ChoiceField(
        label="Devices not on the manifest",
        required=False,
        choices=[("", "List them, do not register them yet")]
        + [(t, f"Register them as {TYPE_LABELS[t].lower()}") for t in DEVICE_TYPES],
    )
