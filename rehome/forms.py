from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Render every form, ours and allauth's, as GOV.UK Frontend components."""

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named field, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
