from django import forms

from devices import lifecycle
from devices.lifecycle import State
from devices.models import (
    Assessment,
    DestructionMethod,
    DriveKind,
    Refurbishment,
)
from organisations.models import Organisation

# Actions a technician can apply to many scanned devices at once.
BULK_ACTIONS = [t for t in lifecycle.TRANSITIONS.values() if not t.needs_record]


class DeviceSearchForm(forms.Form):
    q = forms.CharField(
        label="Serial number, asset tag or IMEI",
        required=False,
        help_text="Scan a barcode or type part of a make or model.",
    )
    state = forms.ChoiceField(label="State", required=False)
    in_transit = forms.BooleanField(label="Only devices on their way to you", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "Any state"), *State.choices]


class BulkForm(forms.Form):
    identifiers = forms.CharField(
        label="Serial numbers, asset tags or IMEIs",
        help_text="Scan each device, or paste a list: one per line (commas and tabs also work).",
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "false"}),
    )
    action = forms.ChoiceField(label="Action", widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(t.name, t.label) for t in BULK_ACTIONS]


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = [
            "grade",
            "powers_on",
            "screen_ok",
            "keyboard_ok",
            "ports_ok",
            "battery_health_pct",
            "charger_included",
            "specs_confirmed",
            "outcome",
            "notes",
        ]
        widgets = {
            "grade": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "battery_health_pct": "From the battery report or the device's settings; leave empty "
            "for desktops.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["powers_on"].required = False
        self.fields["grade"].choices = self.fields["grade"].choices[1:]
        self.fields["outcome"].choices = self.fields["outcome"].choices[1:]

    def clean_battery_health_pct(self):
        value = self.cleaned_data["battery_health_pct"]
        if value is not None and value > 100:
            raise forms.ValidationError("Battery health is a percentage from 0 to 100.")
        return value


class RefurbishmentForm(forms.ModelForm):
    make_ready = forms.BooleanField(
        label="Mark the device ready for allocation now", required=False, initial=True
    )

    class Meta:
        model = Refurbishment
        fields = [
            "operating_system",
            "os_version",
            "activation_lock_removed",
            "management_removed",
            "accessories",
            "notes",
        ]
        widgets = {
            "operating_system": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operating_system"].choices = self.fields["operating_system"].choices[1:]
        self.fields["activation_lock_removed"].required = False
        self.fields["management_removed"].required = False


class RecyclingForm(forms.Form):
    recycler = forms.CharField(label="Recycler", max_length=200)
    reference = forms.CharField(label="Waste transfer note or certificate number", max_length=120)
    weight_kg = forms.DecimalField(
        label="Weight (kg)", min_value=0.01, max_value=99999, decimal_places=2
    )
    media_destroyed = forms.BooleanField(
        label="The storage was physically destroyed before recycling", required=False
    )


class LossForm(forms.Form):
    reason = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Where it was last seen and who has been told. Do not name people.",
    )


class DriveForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=DriveKind.choices)
    model = forms.CharField(label="Model", max_length=120, required=False)
    serial = forms.CharField(
        label="Serial number",
        max_length=120,
        help_text="As printed on the drive or shown by the wiping tool.",
    )
    size_gb = forms.IntegerField(label="Size (GB)", required=False, min_value=1)


class DestroyForm(forms.Form):
    method = forms.ChoiceField(label="How it was destroyed", choices=DestructionMethod.choices)
    reference = forms.CharField(
        label="Destruction record number",
        max_length=120,
        help_text="The shredding certificate or destruction log reference.",
    )


class HandoverForm(forms.Form):
    to = forms.ModelChoiceField(label="Send to", queryset=Organisation.objects.none())
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = organisations


class CancelHandoverForm(forms.Form):
    reason = forms.CharField(label="Why the handover is cancelled", max_length=300)


class CorrectionForm(forms.Form):
    to_state = forms.ChoiceField(label="The state the device is really in", choices=State.choices)
    reason = forms.CharField(
        label="What was wrong",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="The mistaken event stays in the history; this correction is added after it.",
    )
