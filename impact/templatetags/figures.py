"""Writing table cells the one way the dashboard, the reports' HTML and PDF and the
coordinator's preview share."""

from decimal import Decimal

from django import template

from impact.tables import figure_text

register = template.Library()


@register.filter
def figure(value) -> str:
    return figure_text(value)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)
