"""The grid's cells, drawn in Python (assessments/templatetags/grid_cells.py): their markup, its
escaping, and one markup for the grid page and the answers that redraw a cell."""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.urls import reverse

from assessments import services
from assessments.templatetags.grid_cells import rating_cell_html
from tests.assessments.test_grid_live import changes_url, revision
from tests.assessments.test_views_rating import HTMX, cell_url
from tests.conftest import link_evidence, rate_cell

HOSTILE = "<script>alert(\"{}\")</script> & 'co'"
ESCAPED = "&lt;script&gt;alert(&quot;{}&quot;)&lt;/script&gt; &amp; &#x27;co&#x27;"


def _cell(html: str, instance_pk: int, slug: str = "SP-1.1") -> str:
    found = re.search(rf'<td id="cell-{instance_pk}-{slug}".*?</td>', html, re.S)
    assert found, f"no cell {instance_pk}-{slug}"
    return found.group(0)


def test_a_cell_is_drawn_as_the_grid_draws_it():
    cell = rating_cell_html(
        instance=SimpleNamespace(pk=7, name="Service desk"),
        code="SP 1.1",
        slug="SP-1.1",
        url="/a/x/rate/REQM/cell/7/SP-1.1/",
        row=SimpleNamespace(value="PI", version=3, note="checked"),
        evidence=1,
        previous="FI",
    )
    assert cell == (
        '<td id="cell-7-SP-1.1" class="cell value-PI" tabindex="-1" role="gridcell" '
        'data-url="/a/x/rate/REQM/cell/7/SP-1.1/" data-version="3" data-value="PI" '
        'aria-label="SP 1.1 for Service desk: PI, 1 evidence item"><span class="cell-value">PI'
        '</span><sup class="cell-note" title="Has a note">✎</sup><span class="badge '
        'cell-evidence text-bg-secondary" title="1 evidence item">1</span><small '
        'class="cell-prev" title="Value in the previous appraisal">prev: FI</small></td>'
    )


def test_an_empty_uncovered_conflicting_cell_says_so():
    cell = rating_cell_html(
        instance=SimpleNamespace(pk=7, name="Service desk"),
        code="GP 2.1",
        slug="GP-2.1",
        url="/u/",
        uncovered=True,
        changed_by="lea",
        conflict=True,
        oob=True,
    )
    assert cell == (
        '<td id="cell-7-GP-2.1" class="cell cell-uncovered border border-3 border-warning" '
        'tabindex="-1" role="gridcell" hx-swap-oob="true" data-url="/u/" data-version="0" '
        'data-value="" aria-label="GP 2.1 for Service desk: unrated, 0 evidence items, lacks '
        'evidence, changed by lea"><span class="cell-value">·</span><span class="badge '
        'cell-evidence text-bg-danger" title="Lacks the evidence its value needs">!</span>'
        '<small class="cell-changed" title="Saved by lea while this page was open">changed by '
        "lea</small></td>"
    )


def test_a_cell_escapes_every_text_it_draws():
    cell = rating_cell_html(
        instance=SimpleNamespace(pk=7, name=HOSTILE.format("name")),
        code='SP "1.1"',
        slug="SP-1.1",
        url='/u/?a=1&b="2"',
        row=SimpleNamespace(value='F<I>"', version=1, note=""),
        previous=HOSTILE.format("previous"),
        changed_by=HOSTILE.format("user"),
    )
    assert "<script>" not in cell
    assert ESCAPED.format("name") in cell
    assert ESCAPED.format("previous") in cell
    assert ESCAPED.format("user") in cell
    assert 'data-url="/u/?a=1&amp;b=&quot;2&quot;"' in cell
    assert 'data-value="F&lt;I&gt;&quot;"' in cell
    assert "SP &quot;1.1&quot; for" in cell


def test_grid_save_and_changes_escape_names_notes_and_evidence_titles(
    client, appraisal, team_member, lead
):
    desk = appraisal.instances.get(key="desk")
    services.instance_save(
        appraisal=appraisal,
        instance=desk,
        key="desk",
        name=HOSTILE.format("name"),
        kind="service",
        process_areas=list(desk.process_areas.all()),
    )
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", lead, note=HOSTILE.format("note"))
    link_evidence(appraisal, "desk", "REQM", "SP 1.1", HOSTILE.format("evidence"), lead)
    client.force_login(team_member)
    since = revision(appraisal)

    grid = client.get(reverse("assessments:rate_pa", args=[appraisal.code, "REQM"]))
    html = grid.content.decode()
    assert "<script>alert" not in html
    cell = _cell(html, desk.pk)
    assert f"SP 1.1 for {ESCAPED.format('name')}: FI, 1 evidence item" in cell
    assert 'title="Has a note"' in cell and 'title="1 evidence item">1</span>' in cell

    saved = client.post(
        cell_url(appraisal),
        {"value": "LI", "note": HOSTILE.format("new note"), "version": 1},
        **HTMX,
    )
    assert saved.status_code == 200
    assert "<script>alert" not in saved.content.decode()
    assert ESCAPED.format("new note") in saved.content.decode()  # in the cell's panel

    rate_cell(appraisal, "desk", "REQM", "SP 1.2", "PI", lead)
    changes = client.get(changes_url(appraisal, since), **HTMX).content.decode()
    assert "<script>alert" not in changes
    assert ESCAPED.format("name") in _cell(changes, desk.pk, "SP-1.2")


def test_the_grid_and_a_save_answer_draw_the_same_cell(client, appraisal, team_member):
    client.force_login(team_member)
    link_evidence(appraisal, "desk", "REQM", "SP 1.1", "SLA register", team_member)
    saved = client.post(cell_url(appraisal), {"value": "PI", "note": "n", "version": 0}, **HTMX)
    desk = appraisal.instances.get(key="desk")
    grid = client.get(reverse("assessments:rate_pa", args=[appraisal.code, "REQM"]))
    assert _cell(saved.content.decode(), desk.pk) == _cell(grid.content.decode(), desk.pk)
