from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator

from impact.models import CATEGORY_CHOICES
from impact.services import FactorFigures, MethodChange

ALL_TIME = "all"
VERSION_FORMAT = (
    "Use letters, digits, dots and hyphens only, starting with a letter or digit, such as 2027.1."
)


class PeriodForm(forms.Form):
    """The dashboard's period: one calendar year, or all time (the default)."""

    period = forms.ChoiceField(label="Show figures for", required=False)

    def __init__(self, data=None, *, years: list[int]):
        super().__init__(data)
        self.fields["period"].choices = [(ALL_TIME, "All time")] + [
            (str(year), str(year)) for year in years
        ]

    def year(self) -> int | None:
        """The chosen year, or None for all time (also when the choice is not one offered)."""
        if not self.is_valid():
            return None
        period = self.cleaned_data["period"]
        return int(period) if period and period != ALL_TIME else None


def _factor_fields(category: str, label: str) -> dict[str, forms.Field]:
    def messages(what: str) -> dict[str, str]:
        return {
            "required": f"Give the {what} of “{label}”.",
            "invalid": f"The {what} of “{label}” must be a number.",
            "min_value": f"The {what} of “{label}” must be above 0 kg.",
            "max_digits": f"The {what} of “{label}” is too large.",
            "max_decimal_places": f"Give the {what} of “{label}” to at most 2 decimal places.",
            "max_whole_digits": f"The {what} of “{label}” is too large.",
        }

    return {
        f"{category}__embodied_kg_co2e": forms.DecimalField(
            label="Embodied footprint (kg CO2e)",
            max_digits=8,
            decimal_places=2,
            min_value=Decimal("0.01"),
            error_messages=messages("embodied footprint"),
        ),
        f"{category}__weight_kg": forms.DecimalField(
            label="Weight (kg)",
            max_digits=6,
            decimal_places=2,
            min_value=Decimal("0.01"),
            error_messages=messages("weight"),
        ),
        f"{category}__source_label": forms.CharField(
            label="The source's name for the category", max_length=80, required=False
        ),
    }


class MethodVersionForm(forms.Form):
    """A version of the impact method: its description, displacement and a factor per category."""

    version = forms.CharField(
        label="Version",
        max_length=20,
        help_text="A short name that is new in this region, such as 2027.1.",
        validators=[RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$", VERSION_FORMAT)],
    )
    name = forms.CharField(
        label="What the method is", max_length=160, help_text="Such as whose factors it uses."
    )
    displacement = forms.DecimalField(
        label="Displacement",
        max_digits=4,
        decimal_places=3,
        min_value=Decimal("0.001"),
        max_value=Decimal("1"),
        help_text="The share of a new device's footprint one reused device avoids, such as 0.5.",
    )
    sources = forms.CharField(
        label="Sources and licence",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Where the factors come from, and under which licence.",
    )
    notes = forms.CharField(
        label="What changed from the previous version",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category, label in CATEGORY_CHOICES:
            self.fields.update(_factor_fields(category, label))

    def general_fields(self):
        return [self[name] for name in ("version", "name", "displacement", "sources", "notes")]

    def categories(self):
        """(label, bound fields) for each category, in the method's order, for fieldsets."""
        return [
            (
                label,
                [
                    self[f"{category}__{part}"]
                    for part in ("embodied_kg_co2e", "weight_kg", "source_label")
                ],
            )
            for category, label in CATEGORY_CHOICES
        ]

    @classmethod
    def initial_from(cls, change: MethodChange) -> dict:
        initial = {
            "version": change.version,
            "name": change.name,
            "displacement": change.displacement,
            "sources": change.sources,
            "notes": change.notes,
        }
        for category, figures in change.factors.items():
            initial[f"{category}__embodied_kg_co2e"] = figures.embodied_kg_co2e
            initial[f"{category}__weight_kg"] = figures.weight_kg
            initial[f"{category}__source_label"] = figures.source_label
        return initial

    def change(self) -> MethodChange:
        data = self.cleaned_data
        return MethodChange(
            version=data["version"],
            name=data["name"],
            displacement=data["displacement"],
            sources=data["sources"],
            notes=data["notes"],
            factors={
                category: FactorFigures(
                    embodied_kg_co2e=data[f"{category}__embodied_kg_co2e"],
                    weight_kg=data[f"{category}__weight_kg"],
                    source_label=data[f"{category}__source_label"],
                )
                for category, _ in CATEGORY_CHOICES
            },
        )
