"""Every kind of page runs under the Content-Security-Policy without a violation (issue 13, 9).

Chromium reports each blocked inline script, style element or style attribute in the console;
the test loads one page of every kind, opens a cell panel and saves a cell through htmx, and
fails on any such report.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from assessments.engine_input import load_catalog
from tests.browser.test_rating_flow import sign_in
from tests.conftest import rate_cell

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rich(appraisal, lead, team_member):
    """A pending range (for the judgment forms), a finding, a note: every partial has content."""
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", team_member, note="Seen.\nTwice.")
    rate_cell(appraisal, "hosting", "REQM", "SP 1.1", "PI", team_member)
    catalog = load_catalog(appraisal.variant)
    services.finding_create(
        appraisal=appraisal,
        process_area=catalog.process_areas["REQM"],
        kind="weakness",
        text="Traceability is partial.",
        user=team_member,
    )
    appraisal.team = "Ada\nLea"
    appraisal.save()
    return appraisal


def _pages(appraisal, org) -> list[str]:
    code = appraisal.code
    instance = appraisal.instances.get(key="desk").pk
    draft = "cmmi-svc-draft-2007"
    return [
        reverse("home"),
        reverse("assessments:organisation", args=[org.slug]),
        reverse("assessments:members", args=[org.slug]),
        reverse("audit:log", args=[org.slug]),
        reverse("assessments:import_appraisal", args=[org.slug]),
        reverse("assessments:appraisal_create", args=[org.slug]),
        reverse("assessments:appraisal", args=[code]),
        reverse("assessments:appraisal_edit", args=[code]),
        reverse("assessments:scope", args=[code]),
        reverse("assessments:instances", args=[code]),
        reverse("assessments:instance_edit", args=[code, instance]),
        reverse("assessments:rate_pa", args=[code, "REQM"]),
        reverse("assessments:results", args=[code]),
        reverse("assessments:findings", args=[code]),
        reverse("reports:findings", args=[code]),
        reverse("models_catalog:index"),
        reverse("models_catalog:constellation", args=[draft]),
        reverse("models_catalog:variant", args=[draft, "cmmi-svc"]),
        reverse("models_catalog:process_area", args=[draft, "IRM"]),
        reverse("models_catalog:itsm", args=[draft]),
        reverse("models_catalog:compare_index", args=[draft]),
        reverse("models_catalog:compare", args=[draft, "IRM", draft, "PRM"]),
    ]


def test_no_page_breaks_the_content_security_policy(live_server, page, rich, org, org_admin):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    response = page.goto(live_server.url + reverse("login"))
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "camera=()" in response.headers["permissions-policy"]
    sign_in(page, live_server, org_admin.username)

    for path in _pages(rich, org):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")

    # The grid through htmx: open a cell's panel, save a cell (out-of-band swaps included).
    page.goto(live_server.url + reverse("assessments:rate_pa", args=[rich.code, "REQM"]))
    desk = rich.instances.get(key="desk")
    cell = f"#cell-{desk.pk}-SP-1\\.2"
    page.click(cell)
    page.keyboard.press("l")
    page.wait_for_selector(f"{cell}[data-value=LI]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#cell-panel .cell-history")
    # The progress bar is sized by a class now, not a style attribute.
    assert "pct-" in page.get_attribute("#pa-progress .progress-bar", "class")

    assert violations == []
