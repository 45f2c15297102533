"""Template tags of the results page and its chart (also used by the PDF report).

`{% capability_chart state as chart %}` gives the chart geometry for
`assessments/partials/capability_chart.svg.html`. `{{ row|practice_row }}` renders one row of the
practice × instance matrix in one step: the full model with 20 instances has about 600 rows and
12,000 cells, and a template loop per cell costs more than reading and rating the appraisal.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from assessments.engine_input import AppraisalState
from assessments.rating import (
    NOT_APPLICABLE,
    OUT_OF_SCOPE,
    PRACTICE_VALUES,
    SATISFIED,
    UNSATISFIED,
)
from assessments.results_chart import Chart
from assessments.results_chart import capability_chart as chart_geometry
from assessments.templatetags.cmmi import rating_label

register = template.Library()

# Practice values are a closed set, so each cell's HTML is fixed and needs no escaping.
_CELLS = {value: f'<td class="text-center value-{value}">{value}</td>' for value in PRACTICE_VALUES}
_UNRATED = '<td class="text-center text-muted" title="not rated yet">·</td>'


# The classes of partials/goal_badge.html, for badges drawn in Python.
BADGE_CLASSES = {
    SATISFIED: "text-bg-success",
    UNSATISFIED: "text-bg-danger",
    NOT_APPLICABLE: "text-bg-light border",
    OUT_OF_SCOPE: "text-bg-light border",
}


def badge_class(rating: str | None) -> str:
    return BADGE_CLASSES.get(rating or "", "text-bg-secondary")


@register.simple_tag
def capability_chart(state: AppraisalState) -> Chart:
    return chart_geometry(state)


@register.filter
def value_cells(instances: Mapping[str, str | None]) -> SafeString:
    """One <td> per covering instance, in the order of the mapping (instance key order)."""
    return mark_safe("".join(_CELLS.get(value, _UNRATED) for value in instances.values()))


@register.filter
def practice_row(row: dict) -> SafeString:
    """A <tr> of the matrix: code and title, the org-unit value, then one cell per instance.

    `row` is a row of the results view's practice sections: code, title, result (PracticeResult)
    and, on the first practice of a goal, the goal's code, title and rating for a heading row.
    """
    heading = ""
    if row["goal"]:
        heading = format_html(
            '<tr><th colspan="{}" class="bg-body-tertiary">{} {} '
            '<span class="badge goal-badge {}">{}</span></th></tr>',
            row["columns"],
            row["goal"],
            row["goal_title"],
            badge_class(row["goal_rating"]),
            rating_label(row["goal_rating"]),
        )
    result = row["result"]
    if result.pending:
        org = format_html(
            '<td class="text-center org"><span class="badge text-bg-warning" '
            'title="The instances disagree: the team decides LI or PI">LI or PI?</span></td>'
        )
    elif result.value:
        star = "*" if result.judged else ""
        org = format_html(
            '<td class="text-center org value-{}">{}{}</td>', result.value, result.value, star
        )
    else:
        org = mark_safe('<td class="text-center org"><span class="text-muted">—</span></td>')
    return format_html(
        '{}<tr><th scope="row" class="fw-normal"><strong>{}</strong> {}</th>{}{}</tr>',
        heading,
        row["code"],
        row["title"],
        org,
        value_cells(result.instances),
    )
