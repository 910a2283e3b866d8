from django import forms

from organisations.roles import Kind, Role, roles_for_kinds


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address", help_text="They will get a link to set a password."
    )
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect)
    is_admin = forms.BooleanField(
        label="Make them an admin of your organisation (can invite people and manage API tokens)",
        required=False,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        roles = roles_for_kinds(organisation.kinds)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label="Name contains", required=False)
    kind = forms.ChoiceField(label="Kind", required=False)
    area = forms.ChoiceField(label="Area served", required=False)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *Kind.choices]
        self.fields["area"].choices = [("", "Any area")] + [(a.slug, a.name) for a in areas]
