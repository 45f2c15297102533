"""Template filters for ratings and practice values."""

from django import template

register = template.Library()

RATING_LABELS = {
    "satisfied": "Satisfied",
    "unsatisfied": "Unsatisfied",
    "not_rated": "Not rated",
    "not_applicable": "Not applicable",
    "out_of_scope": "Out of scope",
}


@register.filter
def rating_label(value: str | None) -> str:
    """'not_rated' → 'Not rated'; None reads as not rated."""
    return RATING_LABELS.get(value or "not_rated", str(value))
