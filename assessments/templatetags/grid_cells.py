"""The rating grid's cells and rows, built in Python as strings (issue 12).

A PA graded for 20 instances draws about 540 cells; one template include per cell cost the grid
page more than reading and rating the PA, so its 20-instance page cost three times the 3-instance
one. `rating_cell_html` is the one source of a cell's markup: the grid body draws every cell with
it, and the answers that redraw one cell (a save, an evidence link, the live grid's changes) call
it through the `{% rating_cell %}` tag. Every value that comes from data (instance names, user
names, codes, values, URLs) goes through `conditional_escape`; only constant markup is joined as
it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from assessments.templatetags.results_blocks import goal_badge

register = template.Library()

_OOB = ' hx-swap-oob="true"'
_NOTE = '<sup class="cell-note" title="Has a note">✎</sup>'


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


class _Escaped(dict):
    """`conditional_escape`, remembered: a grid repeats a few values (FI, LI, ...) hundreds of
    times, and escaping each again cost a tenth of the page."""

    def __missing__(self, text: str) -> str:
        escaped = self[text] = conditional_escape(text)
        return escaped


def _cell(
    dom_id: str,
    code: str,
    name: str,
    url: str,
    value: str,
    version: int,
    note: bool,
    evidence: int,
    uncovered: bool,
    previous: str,
    changed_by: str,
    conflict: bool,
    oob: bool,
) -> str:
    """A cell from text already escaped (every `str` argument): the grid escapes each name,
    code and value once for the page, not once per cell."""
    items = f"{evidence} evidence item{_plural(evidence)}"
    classes = f"cell value-{value}" if value else "cell"
    label = f"{code} for {name}: {value or 'unrated'}, {items}"
    if uncovered:
        classes += " cell-uncovered"
        label += ", lacks evidence"
        badge = " text-bg-danger"
        title = "Lacks the evidence its value needs"
    else:
        badge = " text-bg-secondary" if evidence else " d-none"
        title = items
    if conflict:
        classes += " border border-3 border-warning"
    tail = ""
    if previous:
        tail = (
            '<small class="cell-prev" title="Value in the previous appraisal">prev: '
            f"{previous}</small>"
        )
    if changed_by:
        label += f", changed by {changed_by}"
        tail += (
            f'<small class="cell-changed" title="Saved by {changed_by} while this page was '
            f'open">changed by {changed_by}</small>'
        )
    return (
        f'<td id="cell-{dom_id}" class="{classes}" tabindex="-1" role="gridcell"'
        f'{_OOB if oob else ""} data-url="{url}" data-version="{version}" '
        f'data-value="{value}" aria-label="{label}"><span class="cell-value">{value or "·"}'
        f'</span>{_NOTE if note else ""}<span class="badge cell-evidence{badge}" '
        f'title="{title}">{"!" if uncovered and not evidence else evidence}</span>{tail}</td>'
    )


def rating_cell_html(
    *,
    instance,
    code: str,
    slug: str,
    url: str,
    row=None,
    evidence: int = 0,
    uncovered: bool = False,
    previous: str = "",
    changed_by: str = "",
    conflict: bool = False,
    oob: bool = False,
) -> SafeString:
    """One grid cell: its value, note mark, evidence badge (red "!" where it lacks the evidence
    its value needs), the previous appraisal's value and who changed it meanwhile; the data-*
    attributes the grid's script reads (URL, version, value) and the label screen readers say.
    `row` has `value`, `version` and `note` (a `Characterization` or a `grid.CellRow`), None
    for a cell never saved. `conflict` frames the cell (a save refused because someone else
    saved first); `oob` marks it for htmx's out-of-band swap."""
    value = (row.value or "") if row is not None else ""
    return mark_safe(  # nosec B308, B703: every text escaped here
        _cell(
            f"{instance.pk}-{conditional_escape(slug)}",
            conditional_escape(code),
            conditional_escape(instance.name),
            conditional_escape(url),
            conditional_escape(value),
            (row.version or 0) if row is not None else 0,
            row is not None and bool(row.note),
            evidence or 0,
            bool(uncovered),
            conditional_escape(previous or ""),
            conditional_escape(changed_by or ""),
            bool(conflict),
            bool(oob),
        )
    )


@register.simple_tag(takes_context=True)
def rating_cell(context, **given) -> SafeString:
    """`{% rating_cell %}`: the cell of the context's `instance`, `code`, `slug`, `row`,
    `evidence`, `uncovered`, `previous`, `changed_by`, `conflict`, `oob` (any given as keyword
    arguments instead), as the include of partials/rating_cell.html once read them."""

    def get(name: str, default=None):
        return given[name] if name in given else context.get(name, default)

    instance, slug = get("instance"), get("slug")
    return rating_cell_html(
        instance=instance,
        code=get("code"),
        slug=slug,
        url=reverse(
            "assessments:cell",
            args=[get("appraisal").code, get("pa").acronym, instance.pk, slug],
        ),
        row=get("row"),
        evidence=get("evidence", 0),
        uncovered=get("uncovered", False),
        previous=get("previous", ""),
        changed_by=get("changed_by", ""),
        conflict=bool(get("conflict")),
        oob=bool(get("oob")),
    )


def org_value_html(slug: str, result, oob: bool = False) -> SafeString:
    """The org-unit value of a practice (the grid's last column): the engine's value, "(judged)"
    when a team judgment settled it, "LI or PI?" while the instances disagree."""
    if result.pending:
        shown = mark_safe(  # nosec B308, B703: constant markup
            '<span class="badge text-bg-warning" title="Instances disagree: the team decides '
            'LI or PI">LI or PI?</span>'
        )
    elif result.value:
        shown = format_html(
            "<strong>{}</strong>{}",
            result.value,
            mark_safe(  # nosec B308, B703: constant markup
                ' <small title="Settled by team judgment">(judged)</small>' if result.judged else ""
            ),
        )
    else:
        shown = mark_safe('<span class="text-muted">—</span>')  # nosec B308, B703
    return format_html(
        '<td id="org-{}" class="text-center org-value{}"{}>{}</td>',
        slug,
        f" value-{result.value}" if result.value else "",
        mark_safe(_OOB if oob else ""),  # nosec B308, B703: constant markup
        shown,
    )


@register.simple_tag
def org_value(slug: str, result, oob: bool = False) -> SafeString:
    """`{% org_value slug result oob=True %}`: one org-unit value (a save's answer)."""
    return org_value_html(slug, result, oob)


@register.simple_tag
def org_values(rows: Iterable[dict], oob: bool = False) -> SafeString:
    """`{% org_values rows oob=True %}`: the org-unit value of each row (`slug`, `result`), as
    the live grid's changes redraw them all."""
    # Every part comes from format_html.
    return mark_safe("\n".join(org_value_html(r["slug"], r["result"], oob) for r in rows))  # nosec B308, B703


@register.simple_tag
def grid_body(rows: list[dict], instances: list, appraisal_code, acronym: str) -> SafeString:
    """The <tbody> rows of the grid (`grid.grid_rows`): a heading row per goal with its badge,
    then per practice its code and title, one cell per covering instance (`instances`, the
    columns) and the org-unit value."""
    # One reverse() for the page, not one per cell: the URL around the instance pk.
    head, tail = reverse(
        "assessments:cell", args=[appraisal_code, acronym, 987654321, "PRACTICE"]
    ).split("987654321")
    columns = {
        i.pk: (conditional_escape(i.name), conditional_escape(f"{head}{i.pk}")) for i in instances
    }
    escaped = _Escaped()
    parts = []
    for row in rows:
        if row["new_goal"]:
            parts.append(
                format_html(
                    '<tr class="goal-row"><th colspan="{}" class="bg-body-tertiary">{} {} '
                    '<span id="goal-{}">{}</span></th></tr>',
                    len(instances) + 2,
                    row["goal"],
                    row["goal_obj"].title,
                    slugify(row["goal"]),
                    goal_badge(row["goal_rating"]),
                )
            )
        code, slug = conditional_escape(row["code"]), conditional_escape(row["slug"])
        url_tail = conditional_escape(tail.replace("PRACTICE", row["slug"]))
        parts.append(
            format_html(
                '<tr><th scope="row" class="fw-normal"><strong>{}</strong> {}</th>',
                code,
                row["practice"].title,
            )
        )
        for cell in row["cells"]:
            pk, saved = cell.instance.pk, cell.row
            name, url_head = columns[pk]
            parts.append(
                _cell(
                    f"{pk}-{slug}",
                    code,
                    name,
                    url_head + url_tail,
                    escaped[saved.value] if saved is not None else "",
                    saved.version if saved is not None else 0,
                    saved is not None and saved.note,
                    cell.evidence,
                    cell.uncovered,
                    escaped[cell.previous],
                    "",
                    False,
                    False,
                )
            )
        parts.append(org_value_html(row["slug"], row["result"]))
        parts.append("</tr>")
    # Codes, titles, names, URLs and values are escaped above; the rest is constant markup.
    return mark_safe("".join(parts))  # nosec B308, B703
