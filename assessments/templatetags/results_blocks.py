"""The repeated blocks of the results page, each built in Python as one string (issue 12).

On the full model (25 PAs to CL5, 20 instances) the template engine spent about 150 ms on these
loops: 52 team-judgment forms (an include each), the recorded judgments and their history (a
date filter per row), the process-area table with its goal badges and the 25 practice sections.
Here every value that comes from data (catalog titles, names, rationales, user names) goes
through `format_html`/`escape`; only constant markup and engine values from closed sets are
joined as they are. The HTML is the one the template wrote.
"""

from __future__ import annotations

from django import template
from django.utils import dateformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from assessments.templatetags.cmmi import rating_label
from assessments.templatetags.results_tags import badge_class, instance_headers, practice_rows

register = template.Library()

# What the csrf context processor gives when no token is needed (Django's csrf_token tag).
_NO_TOKEN = "NOTPROVIDED"  # nosec B105: a marker, not a password


def _join(parts) -> SafeString:
    # Every part is a SafeString from format_html or a constant of this module.
    return mark_safe("".join(parts))  # nosec B308, B703


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
    return format_html(
        '<span class="badge goal-badge {}">{}</span>', badge_class(rating), rating_label(rating)
    )


@register.simple_tag(takes_context=True)
def judgment_form(context, kind: str, item: dict) -> SafeString:
    """A team judgment form (once partials/judgment_form.html): kind "practice" (LI/PI) or
    "goal" (satisfied/unsatisfied); item as the view's pending and review entries."""
    practice = kind == "practice"
    entry = item["entry"]
    target_field, value_field = ("practice", "value") if practice else ("goal", "rating")
    target = entry.practice if practice else entry.goal
    url = context["practice_judgment_url" if practice else "goal_judgment_url"]
    choices = context["practice_choices" if practice else "goal_choices"]
    dom_id = item["dom_id"]
    radios = _join(
        format_html(
            '<div class="form-check form-check-inline me-2"><input class="form-check-input" '
            'type="radio" name="{}" id="{}-{}" value="{}" required{}><label '
            'class="form-check-label" for="{}-{}" title="{}">{}</label></div>',
            value_field,
            dom_id,
            value,
            value,
            mark_safe(" checked" if item["checked"] == value else ""),  # nosec B308, B703
            dom_id,
            value,
            label,
            format_html("<strong>{}</strong>", value) if practice else label,
        )
        for value, label in choices
    )
    errors = ""
    if item["errors"]:
        errors = format_html(
            '<div class="alert alert-danger py-1 px-2 small mb-2" role="alert">{}</div>',
            format_html_join(" ", "{}", ((error,) for error in item["errors"])),
        )
    return format_html(
        '<form method="post" action="{}" class="judgment-form mt-2">{}'
        '<input type="hidden" name="process_area" value="{}">'
        '<input type="hidden" name="version" value="{}">'
        '<input type="hidden" name="{}" value="{}">{}'
        '<div class="d-flex flex-wrap align-items-start gap-2"><fieldset class="pt-1">'
        '<legend class="visually-hidden">Decision on {} {}</legend>{}</fieldset>'
        '<label class="visually-hidden" for="{}-rationale">Rationale (required)</label>'
        '<textarea class="form-control form-control-sm flex-grow-1 w-auto min-w-12" '
        'name="rationale" id="{}-rationale" rows="1" placeholder="Rationale (required)" '
        'required>{}</textarea><button class="btn btn-sm btn-primary" type="submit">Record'
        "</button></div></form>",
        url,
        _csrf(context),
        entry.process_area,
        item["version"],
        target_field,
        target,
        errors,
        entry.process_area,
        target,
        radios,
        dom_id,
        dom_id,
        item["rationale"],
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
            decision = format_html('<span class="badge value-{}">{}</span>', *[item["value"]] * 2)
        else:
            decision = goal_badge(item["value"])
        if item["invalid"]:
            status = format_html(
                '<span class="badge text-bg-danger">ignored</span> <span class="small">{}</span>',
                item["invalid"],
            )
        else:
            status = mark_safe('<span class="badge text-bg-success">in effect</span>')  # nosec B308, B703
        withdraw = ""
        if can_judge:
            withdraw = format_html(
                '<td><form method="post" action="{}">{}<button class="btn btn-sm '
                'btn-outline-danger" type="submit">Withdraw</button></form></td>',
                item["withdraw_url"],
                csrf,
            )
        rows.append(
            format_html(
                '<tr{}><td><strong>{}</strong></td><td>{} <span class="small text-muted">{}'
                '</span></td><td>{}</td><td class="pre-line">{}</td><td>{}</td>'
                '<td class="text-nowrap">{}</td><td>{}</td>{}</tr>',
                mark_safe(' class="table-danger"' if item["invalid"] else ""),  # nosec B308, B703
                item["acronym"],
                item["code"],
                item["title"],
                decision,
                judgment.rationale,
                _decided_by(judgment.decided_by),
                _date(judgment.decided_at, "Y-m-d H:i"),
                status,
                withdraw,
            )
        )
    return _join(rows)


@register.filter
def history_items(history: list[dict]) -> SafeString:
    """The <li> of the judgment history."""
    return _join(
        format_html(
            "<li>{} · {} {} <strong>{} {}</strong>: {}{}</li>",
            _date(entry["at"], "Y-m-d H:i:s"),
            (entry["user"].username if entry["user"] else "") or "system",
            entry["action"],
            entry["acronym"],
            entry["code"],
            entry["value"],
            format_html(" — “{}”", entry["rationale"]) if entry["rationale"] else "",
        )
        for entry in history
    )


@register.simple_tag(takes_context=True)
def pa_table_rows(context) -> SafeString:
    """The rows of the process-area table: rating, CL against target, goal badges."""
    shows_levels = context["shows_levels"]
    rows = []
    for row in context["pa_rows"]:
        pa, result, target = row["pa"], row["result"], row["target"]
        justification = ""
        if row["justification"]:
            justification = format_html(
                ' <span class="small text-muted">{}</span>', row["justification"]
            )
        levels = ""
        if shows_levels:
            if result.capability_level is not None:
                level = format_html("<strong>CL{}</strong>", result.capability_level)
            elif target:
                level = mark_safe(  # nosec B308, B703
                    '<span class="badge cl-not-rated" title="Not certain yet: a goal that '
                    'decides it is not rated">not rated</span>'
                )
            else:
                level = "—"
            levels = format_html("<td>{}</td><td>{}</td>", level, f"CL{target}" if target else "—")
        goals = _join(
            format_html(
                '<span class="badge me-1 {}" title="{}: {}{}">{}{}</span>',
                goal["badge"],
                goal["code"],
                goal["label"],
                " (team judgment)" if goal["judged"] else "",
                goal["code"],
                "*" if goal["judged"] else "",
            )
            for goal in row["goals"]
        )
        rows.append(
            format_html(
                '<tr><td><strong>{}</strong> {}</td><td>{}</td><td><span class="badge '
                'goal-badge {}">{}</span>{}</td>{}<td class="goal-list">{}</td></tr>',
                pa.acronym,
                pa.name,
                pa.maturity_level.number,
                row["badge"],
                row["label"],
                justification,
                levels,
                goals,
            )
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
