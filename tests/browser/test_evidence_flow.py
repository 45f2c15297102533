"""A team member attaches a library item from the cell panel and sees the cell's badge change."""

from __future__ import annotations

import pytest

from evidence import services as evidence_services
from evidence.models import EvidenceLink
from tests.browser.test_rating_flow import sign_in
from tests.conftest import rate_cell

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_attach_from_the_cell_panel_updates_the_badge(live_server, page, appraisal, team_member):
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", team_member)
    evidence_services.item_create(
        organisation=appraisal.organisation,
        kind="artifact",
        title="SLA register 2026",
        user=team_member,
    )
    sign_in(page, live_server, team_member.username)
    page.goto(live_server.url + f"/a/{appraisal.code}/rate/REQM/")
    desk = appraisal.instances.get(key="desk")
    cell = f"#cell-{desk.pk}-SP-1\\.1"
    # FI without evidence: the cell is marked uncovered.
    page.wait_for_selector(f"{cell}.cell-uncovered")
    assert page.inner_text(f"{cell} .cell-evidence") == "!"

    page.click(cell)
    page.wait_for_selector("#evidence-search")
    page.fill("#evidence-search", "register")
    page.wait_for_selector("#cell-evidence .evidence-found button")
    page.click("#cell-evidence .evidence-found button")

    page.wait_for_selector(f"{cell}:not(.cell-uncovered)")
    assert page.inner_text(f"{cell} .cell-evidence") == "1"
    assert "SLA register 2026" in page.inner_text("#cell-evidence .cell-links")
    assert EvidenceLink.objects.get().item.title == "SLA register 2026"

    # The keyboard flow still works after the swap: rate the cell below.
    page.click(cell)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("l")
    page.wait_for_selector(f"#cell-{desk.pk}-SP-1\\.2[data-value=LI]")
