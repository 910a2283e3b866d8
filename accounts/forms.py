from django import forms


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label="Your name", max_length=150, help_text="Shown to your colleagues."
    )
    password = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password.",
    )
