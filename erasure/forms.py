from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "govuk-file-upload"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class EvidenceUploadForm(forms.Form):
    files = MultipleFileField(
        label="Erasure logs and reports",
        help_text="nwipe or ShredOS logs, Blancco reports (XML or JSON) or Rehome's erasure CSV. "
        "Choose as many files as you like.",
    )


class AssignForm(forms.Form):
    identifier = forms.CharField(
        label="The device it came from",
        max_length=120,
        help_text="Scan or type the device's serial number, asset tag or IMEI.",
    )


class PushEndpointForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=80, help_text='For example "Bench 2 ShredOS stick".'
    )
