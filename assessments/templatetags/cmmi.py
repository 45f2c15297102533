"""Template filters for ratings and practice values."""

from django import template

from assessments import labels

register = template.Library()


@register.filter
def rating_label(value: str | None) -> str:
    """'not_rated' → 'Not rated'; None reads as not rated (assessments.labels)."""
    return labels.rating_label(value)
