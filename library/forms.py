from django import forms

from organisations.models import Organisation
from regions.models import Area

from .content import outcomes_text
from .models import Kind, Page, Theme
from .services import Draft

NO_PERSONAL_DATA = (
    "Write about the scheme, never about someone it helped in a way that could identify them: "
    "no names, contact details, addresses or dates of birth. E-mail addresses and phone "
    "numbers are refused."
)


class PageForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of page", choices=Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label="Title", max_length=120)
    summary = forms.CharField(
        label="Summary",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A sentence or two, shown in the library's list.",
    )
    body = forms.CharField(
        label="The page",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        help_text="Markdown: ## for a heading, - for a list item, **bold**, [link text](https://…). "
        "HTML and images are not shown. " + NO_PERSONAL_DATA,
    )
    outcomes = forms.CharField(
        label="Outcome figures (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line, the figure first: “312 laptops rehomed”, “85% still using "
        "their device after three months”. Up to six.",
    )
    themes = forms.MultipleChoiceField(
        label="Themes", choices=Theme.choices, widget=forms.CheckboxSelectMultiple
    )
    areas = forms.ModelMultipleChoiceField(
        label="Areas it is about (optional)",
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Partner organisations it is about (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Your own organisation is shown as the writer.",
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = (
            Area.objects.filter(region=region).defer("boundary", "statistics").order_by("name")
        )
        self.fields["organisations"].queryset = Organisation.objects.filter(region=region).order_by(
            "name"
        )

    @classmethod
    def initial_from(cls, page: Page) -> dict:
        return {
            "kind": page.kind,
            "title": page.title,
            "summary": page.summary,
            "body": page.body,
            "outcomes": outcomes_text(page.outcomes),
            "themes": page.themes,
            "areas": list(page.areas.all()),
            "organisations": list(page.organisations.all()),
        }

    def draft(self) -> Draft:
        data = self.cleaned_data
        return Draft(
            kind=data["kind"],
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            outcomes=data.get("outcomes", ""),
            themes=data["themes"],
            areas=data.get("areas") or [],
            organisations=data.get("organisations") or [],
        )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label="What should change",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The writers see this with their draft.",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why take the page down",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the page's history.",
    )


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(label="Kind", required=False)
    theme = forms.ChoiceField(label="Theme", required=False)
    area = forms.ChoiceField(label="Area", required=False)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {a.slug: a for a in areas}
        self.fields["kind"].choices = [("", "Case studies and guidance"), *Kind.choices]
        self.fields["theme"].choices = [("", "Any theme"), *Theme.choices]
        self.fields["area"].choices = [("", "Any area")] + [(a.slug, a.name) for a in areas]

    def filters(self) -> dict:
        """The chosen filters as `selectors.library_search` takes them (none when invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "theme": data["theme"],
            "area": self.areas.get(data["area"]),
            "q": data["q"],
        }
