from django import forms
from django.contrib.auth import get_user_model

from lib import opportunity as estimator
from organisations.models import Membership, Organisation
from organisations.roles import Role

from .models import Prospect

User = get_user_model()


def _number(label: str, help_text: str, *, whole: bool = False, required: bool = True):
    field = forms.IntegerField if whole else forms.FloatField
    return field(
        label=label,
        help_text=help_text,
        required=required,
        error_messages={
            "required": f"Enter the {label.lower()}.",
            "invalid": f"{label} must be a number.",
        },
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric" if whole else "decimal",
                "class": "govuk-input--width-10",
                "spellcheck": "false",
            }
        ),
    )


class EstimateForm(forms.Form):
    """The estimator's inputs. Each factor starts at its central default and may be changed."""

    employees = _number(
        "Employees", "Staff across the employers, e.g. 240000.", whole=True, required=True
    )
    years = _number("Years", "The period to estimate over.")
    devices_per_employee = _number(
        "Devices per employee", estimator.EXPLANATIONS["devices_per_employee"]
    )
    refresh_years = _number("Refresh cycle (years)", estimator.EXPLANATIONS["refresh_years"])
    share_released = _number("Share released (0 to 1)", estimator.EXPLANATIONS["share_released"])
    share_reusable = _number(
        "Share reusable and donated (0 to 1)", estimator.EXPLANATIONS["share_reusable"]
    )

    # The seeds' snapshot: what the page shows before anyone changes a number.
    EXAMPLE = {
        "employees": 240_000,
        "years": estimator.DEFAULT_YEARS,
        **estimator.CENTRAL.as_dict(),
    }

    def clean(self):
        data = super().clean()
        given = {name: data.get(name) for name in ("employees", "years", *estimator.FACTORS)}
        for name, message in estimator.problems(given).items():
            self.add_error(name, message)
        return data

    def estimate(self) -> estimator.Estimate:
        data = self.cleaned_data
        return estimator.estimate(
            employees=data["employees"],
            years=data["years"],
            overrides={name: data[name] for name in estimator.FACTORS},
        )


class EmployersUploadForm(forms.Form):
    file = forms.FileField(
        label="List of employers (CSV or XLSX)",
        help_text="A header row, then one employer per row. Columns: name and employees; "
        "optionally sector, and devices_per_employee, refresh_years, share_released or "
        "share_reusable for an employer whose figures you know. Up to 5 MB.",
        error_messages={"required": "Choose the CSV or XLSX file to upload."},
    )


class ProspectForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No owner yet", label="Owner"
    )
    next_step = forms.CharField(label="Next step", max_length=200, required=False)
    next_step_on = forms.DateField(
        label="Next step by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date such as 2026-05-04."},
    )
    organisation = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Not linked yet",
        label="Donor organisation in Rehome",
        help_text="Once linked, the devices it gives are counted against this employer's "
        "expected devices.",
    )

    def __init__(self, *args, prospect: Prospect, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "owner": prospect.owner_id,
                "next_step": prospect.next_step,
                "next_step_on": prospect.next_step_on,
                "organisation": prospect.organisation_id,
            },
        )
        super().__init__(*args, **kwargs)
        coordinators = Membership.objects.filter(
            role=Role.COORDINATOR, organisation__region=prospect.region
        ).values("user")
        self.fields["owner"].queryset = User.objects.filter(pk__in=coordinators).order_by("email")
        self.fields["organisation"].queryset = Organisation.objects.filter(
            region=prospect.region, is_donor=True
        ).order_by("name")


class MoveForm(forms.Form):
    stage = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label="Note", max_length=300, required=False)
