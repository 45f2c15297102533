"""A team member turns a weakness into an improvement action and moves it to verified."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.engine_input import load_catalog
from assessments.models import Finding
from improvement.models import ImprovementAction
from tests.browser.test_rating_flow import sign_in
from tests.improvement.conftest import before  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_weakness_to_verified_action(live_server, page, before, team_member, lead, tmp_path):  # noqa: F811
    catalog = load_catalog(before.variant)
    Finding.objects.create(
        appraisal=before,
        process_area=catalog.process_areas["REQM"],
        specific_practice=catalog.practice("REQM", "SP 1.1"),
        kind=Finding.Kind.WEAKNESS,
        text="Requirements are not reviewed with providers.",
        author=lead,
    )
    sign_in(page, live_server, team_member.username)
    page.goto(live_server.url + reverse("assessments:findings", args=[before.code]))
    page.click("text=Make an action")
    page.wait_for_selector("#id_title")
    assert page.input_value("#id_targets") == "REQM SP 1.1"
    page.select_option("#id_owner", label=team_member.username)
    page.fill("#id_due_date", "2027-03-31")
    page.click("button[type=submit]:has-text('Create action')")
    page.wait_for_selector("#action-status")
    assert "Requirements are not reviewed with providers." in page.inner_text("#action-findings")
    assert page.inner_text("#action-status").strip() == "Proposed"

    for label in ("Planned", "In progress", "Deployed", "Verified"):
        page.select_option("#status-form select[name=status]", label=label)
        page.click("#status-form button[type=submit]")
        page.wait_for_selector(f"#action-status:has-text('{label}')")
    page.screenshot(path=str(tmp_path / "action.png"), full_page=True)

    action = ImprovementAction.objects.get()
    assert action.status == "verified" and action.closed_at is not None
    assert action.owner == team_member
    assert [str(t) for t in action.targets.all()] == ["REQM SP 1.1"]

    page.goto(live_server.url + reverse("improvement:plan", args=[before.organisation.slug]))
    assert action.title in page.inner_text("#status-verified")
    assert "1 of 1 (100%)" in page.inner_text("#pa-REQM")
