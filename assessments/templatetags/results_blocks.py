"""The repeated blocks of the results page, each built in Python as one string (issue 12).

On the full model (25 PAs to CL5, 20 instances) the template engine spent about 150 ms on these
loops: 52 team-judgment forms (an include each), the recorded judgments and their history (a
date filter per row), the process-area table with its goal badges and the 25 practice sections.
Here every value that comes from data (catalog titles, names, rationales, user names) goes
through `format_html`/`escape`; only constant markup and engine values from closed sets are
joined as they are. The HTML is the one the template wrote.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from assessments.templatetags.cmmi import rating_label
from assessments.templatetags.results_tags import badge_class, instance_headers, practice_rows

register = template.Library()

# What the csrf context processor gives when no token is needed (Django's csrf_token tag).
_NO_TOKEN = "NOTPROVIDED"  # nosec B105: a marker, not a password


def _join(parts) -> SafeString:
    # Every part is a SafeString from format_html, a string built with `_e` or a constant of this
    # module.
    return mark_safe("".join(parts))  # nosec B308, B703


def _e(value: object) -> str:
    """A value as `format_html` writes it: escaped, unless it is safe HTML already. Half its
    cost, for the blocks that repeat per judgment or per PA."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def _date(value, fmt: str) -> str:
    """The `date` filter: local time, empty for no date."""
    if value in (None, ""):
        return ""
    return dateformat.format(template_localtime(value), fmt)


def _csrf(context) -> SafeString:
    """What `{% csrf_token %}` writes: the request's token, the same on every form of the page."""
    token = context.get("csrf_token")
    if not token or token == _NO_TOKEN:
        return mark_safe("")  # nosec B308, B703
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def goal_badge(rating: str | None) -> SafeString:
    """partials/goal_badge.html."""
    label = _e(rating_label(rating))
    # Both parts escaped by _e.
    return mark_safe(  # nosec B308, B703
        f'<span class="badge goal-badge {_e(badge_class(rating))}">{label}</span>'
    )


@register.simple_tag(takes_context=True)
def judgment_form(context, kind: str, item: dict) -> SafeString:
    """A team judgment form (once partials/judgment_form.html): kind "practice" (LI/PI) or
    "goal" (satisfied/unsatisfied); item as the view's pending and review entries."""
    practice = kind == "practice"
    entry = item["entry"]
    target_field, value_field = ("practice", "value") if practice else ("goal", "rating")
    target = _e(entry.practice if practice else entry.goal)
    acronym = _e(entry.process_area)
    url = _e(context["practice_judgment_url" if practice else "goal_judgment_url"])
    choices = context["practice_choices" if practice else "goal_choices"]
    dom_id, checked = _e(item["dom_id"]), item["checked"]
    radios = []
    for value, label in choices:
        value_html, label_html = _e(value), _e(label)
        radios.append(
            '<div class="form-check form-check-inline me-2"><input class="form-check-input" '
            f'type="radio" name="{value_field}" id="{dom_id}-{value_html}" '
            f'value="{value_html}" required{" checked" if checked == value else ""}><label '
            f'class="form-check-label" for="{dom_id}-{value_html}" title="{label_html}">'
            f"{f'<strong>{value_html}</strong>' if practice else label_html}</label></div>"
        )
    errors = ""
    if item["errors"]:
        errors = (
            '<div class="alert alert-danger py-1 px-2 small mb-2" role="alert">'
            f"{' '.join(map(_e, item['errors']))}</div>"
        )
    # Every value escaped by _e; the rest constant markup.
    return mark_safe(  # nosec B308, B703
        f'<form method="post" action="{url}" class="judgment-form mt-2">{_csrf(context)}'
        f'<input type="hidden" name="process_area" value="{acronym}">'
        f'<input type="hidden" name="version" value="{_e(item["version"])}">'
        f'<input type="hidden" name="{target_field}" value="{target}">{errors}'
        '<div class="d-flex flex-wrap align-items-start gap-2"><fieldset class="pt-1">'
        f'<legend class="visually-hidden">Decision on {acronym} {target}</legend>'
        f"{''.join(radios)}</fieldset>"
        f'<label class="visually-hidden" for="{dom_id}-rationale">Rationale (required)</label>'
        '<textarea class="form-control form-control-sm flex-grow-1 w-auto min-w-12" '
        f'name="rationale" id="{dom_id}-rationale" rows="1" placeholder="Rationale (required)" '
        f'required>{_e(item["rationale"])}</textarea><button class="btn btn-sm btn-primary" '
        'type="submit">Record</button></div></form>'
    )


def _decided_by(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.username or "—"


@register.simple_tag(takes_context=True)
def judgment_rows(context) -> SafeString:
    """The rows of the recorded judgments table."""
    can_judge = context["can_judge"]
    csrf = _csrf(context) if can_judge else ""
    rows = []
    for item in context["judgments"]:
        judgment = item["judgment"]
        if item["kind"] == "practice":
            value = _e(item["value"])
            decision = f'<span class="badge value-{value}">{value}</span>'
        else:
            decision = goal_badge(item["value"])
        if item["invalid"]:
            status = (
                '<span class="badge text-bg-danger">ignored</span> '
                f'<span class="small">{_e(item["invalid"])}</span>'
            )
        else:
            status = '<span class="badge text-bg-success">in effect</span>'
        withdraw = ""
        if can_judge:
            withdraw = (
                f'<td><form method="post" action="{_e(item["withdraw_url"])}">{csrf}<button '
                'class="btn btn-sm btn-outline-danger" type="submit">Withdraw</button></form></td>'
            )
        danger = ' class="table-danger"' if item["invalid"] else ""
        rows.append(
            f"<tr{danger}><td><strong>"
            f'{_e(item["acronym"])}</strong></td><td>{_e(item["code"])} <span class="small '
            f'text-muted">{_e(item["title"])}</span></td><td>{decision}</td><td '
            f'class="pre-line">{_e(judgment.rationale)}</td><td>'
            f"{_e(_decided_by(judgment.decided_by))}</td><td "
            f'class="text-nowrap">{_e(_date(judgment.decided_at, "Y-m-d H:i"))}</td>'
            f"<td>{status}</td>{withdraw}</tr>"
        )
    return _join(rows)


@register.filter
def history_items(history: list[dict]) -> SafeString:
    """The <li> of the judgment history."""
    items = []
    for entry in history:
        rationale = f" — “{_e(entry['rationale'])}”" if entry["rationale"] else ""
        items.append(
            f"<li>{_e(_date(entry['at'], 'Y-m-d H:i:s'))} · {_e(entry['username'] or 'system')} "
            f"{_e(entry['action'])} <strong>{_e(entry['acronym'])} {_e(entry['code'])}</strong>: "
            f"{_e(entry['value'])}{rationale}</li>"
        )
    return _join(items)


@register.simple_tag(takes_context=True)
def pa_table_rows(context) -> SafeString:
    """The rows of the process-area table: rating, CL against target, goal badges."""
    shows_levels = context["shows_levels"]
    rows = []
    for row in context["pa_rows"]:
        pa, result, target = row["pa"], row["result"], row["target"]
        justification = ""
        if row["justification"]:
            justification = f' <span class="small text-muted">{_e(row["justification"])}</span>'
        levels = ""
        if shows_levels:
            if result.capability_level is not None:
                level = f"<strong>CL{_e(result.capability_level)}</strong>"
            elif target:
                level = (
                    '<span class="badge cl-not-rated" title="Not certain yet: a goal that '
                    'decides it is not rated">not rated</span>'
                )
            else:
                level = "—"
            levels = f"<td>{level}</td><td>{_e(f'CL{target}' if target else '—')}</td>"
        goals = []
        for goal in row["goals"]:
            code, judged = _e(goal["code"]), goal["judged"]
            goals.append(
                f'<span class="badge me-1 {_e(goal["badge"])}" title="{code}: '
                f'{_e(goal["label"])}{" (team judgment)" if judged else ""}">{code}'
                f"{'*' if judged else ''}</span>"
            )
        rows.append(
            f"<tr><td><strong>{_e(pa.acronym)}</strong> {_e(pa.name)}</td><td>"
            f'{_e(pa.maturity_level.number)}</td><td><span class="badge goal-badge '
            f'{_e(row["badge"])}">{_e(row["label"])}</span>{justification}</td>{levels}'
            f'<td class="goal-list">{"".join(goals)}</td></tr>'
        )
    return _join(rows)


def _pluralize(count: int, suffix: str = "s") -> str:
    return "" if count == 1 else suffix


@register.simple_tag(takes_context=True)
def practice_sections(context) -> SafeString:
    """One <details> per PA in scope: its summary, then the practice × instance matrix."""
    shows_levels = context["shows_levels"]
    parts = []
    for section in context["sections"]:
        pa, result, instances = section["pa"], section["result"], section["instances"]
        level = ""
        if shows_levels:
            cl = result.capability_level
            level = "CL not rated · " if cl is None else f"CL{cl} · "
        counts = _join(
            format_html('<span class="badge value-{} ms-1">{} {}</span>', value, count, value)
            for value, count in section["counts"]
        )
        if section["open"]:
            counts = format_html(
                '{}<span class="badge text-bg-light border ms-1" title="not rated yet or waiting '
                'for a team judgment">{} unrated</span>',
                counts,
                section["open"],
            )
        parts.append(
            format_html(
                '<details class="results-pa border rounded mb-2" id="practices-{}"><summary '
                'class="px-2 py-1 d-flex flex-wrap gap-2 align-items-center"><strong>{}</strong> '
                '<span>{}</span> {} <span class="small text-muted">{}{} practices · {} instance{}'
                '</span> <span class="small ms-auto">{}</span></summary><div '
                'class="table-responsive px-2 pb-2"><table class="table table-bordered '
                'results-matrix mb-0"><thead '
                'class="table-light"><tr><th scope="col">Practice</th><th scope="col" '
                'class="text-center">Org unit</th>{}</tr></thead><tbody>{}</tbody></table></div>'
                "</details>",
                pa.acronym,
                pa.acronym,
                pa.name,
                goal_badge(result.rating),
                level,
                len(section["rows"]),
                len(instances),
                _pluralize(len(instances)),
                counts,
                instance_headers(section),
                practice_rows(section),
            )
        )
    return _join(parts)
