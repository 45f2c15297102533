"""Template tags of the results page and its chart (also used by the PDF report).

`{% capability_chart state as chart %}` gives the chart geometry for
`assessments/partials/capability_chart.svg.html`. `{{ section|practice_rows }}` renders the rows
of a PA's practice × instance matrix in one step: the full model with 20 instances has about
600 rows and 12,000 cells, and a template loop per cell costs more than reading and rating the
appraisal.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from django import template
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
_PENDING = (
    '<td class="text-center org"><span class="badge text-bg-warning" '
    'title="The instances disagree: the team decides LI or PI">LI or PI?</span></td>'
)
_OPEN = '<td class="text-center org"><span class="text-muted">—</span></td>'


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
    # Only the constant cells of _CELLS, whatever the values are.
    return mark_safe("".join(_CELLS.get(value, _UNRATED) for value in instances.values()))  # nosec B308, B703


@register.filter
def instance_headers(section: dict) -> SafeString:
    """The <th> of each covering instance of a PA's matrix: 25 PAs × 20 instances are 500
    headers, each two template lookups of a model attribute."""
    return mark_safe(  # nosec B308, B703
        "".join(
            f'<th scope="col" class="text-center instance" title="{name}">{name}</th>'
            for name in (escape(instance.name) for instance in section["instances"])
        )
    )


@register.filter
def practice_rows(section: dict) -> SafeString:
    """The <tbody> rows of a PA's matrix: a heading row per goal (code, title, rating), then per
    practice its code and title, the org-unit value and one cell per covering instance.

    `section` is one of the results view's practice sections. Built as one string, escaped here
    (catalog titles are data): this is the hot loop of the results page.
    """
    columns = len(section["instances"]) + 2
    parts = []
    for row in section["rows"]:
        if row["goal"]:
            goal_rating = row["goal_rating"]
            parts.append(
                f'<tr><th colspan="{columns}" class="bg-body-tertiary">{escape(row["goal"])} '
                f'{escape(row["goal_title"])} <span class="badge goal-badge '
                f'{badge_class(goal_rating)}">{escape(rating_label(goal_rating))}</span></th></tr>'
            )
        result = row["result"]
        if result.pending:
            org = _PENDING
        elif result.value:
            star = "*" if result.judged else ""
            org = f'<td class="text-center org value-{result.value}">{result.value}{star}</td>'
        else:
            org = _OPEN
        parts.append(
            f'<tr><th scope="row" class="fw-normal"><strong>{escape(row["code"])}</strong> '
            f"{escape(row['title'])}</th>{org}{value_cells(result.instances)}</tr>"
        )
    # Codes and titles are escaped; values are the engine's FI/LI/PI/NI/NY.
    return mark_safe("".join(parts))  # nosec B308, B703
