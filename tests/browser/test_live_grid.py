"""Two raters on one grid: a save by one shows up in the other's open grid, with the name of who
made it, without a reload (issue 12, live grid)."""

from __future__ import annotations

import pytest

from tests.browser.test_rating_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_another_raters_save_appears_with_their_name(
    live_server, browser, page, appraisal, team_member, lead
):
    grid_url = live_server.url + f"/a/{appraisal.code}/rate/REQM/"
    desk = appraisal.instances.get(key="desk")
    cell = f"#cell-{desk.pk}-SP-1\\.1"

    # Tom watches the grid with the cell's panel open.
    sign_in(page, live_server, team_member.username)
    page.goto(grid_url)
    page.click(cell)
    page.wait_for_selector(f"#panel-notice-{desk.pk}-SP-1\\.1", state="attached")

    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        lea = other.new_page()
        lea.set_default_timeout(10_000)
        sign_in(lea, live_server, lead.username)
        lea.goto(grid_url)
        lea.click(cell)
        lea.keyboard.press("p")
        lea.wait_for_selector(f"{cell}[data-value=PI]")
        lea.wait_for_load_state("networkidle")
    finally:
        other.close()

    # Within one or two polls (every 5 s), with no reload.
    page.wait_for_selector(f"{cell}[data-value=PI]", timeout=12_000)
    assert "changed by lea" in page.inner_text(cell)
    assert "1 of 34 cells rated" in page.inner_text("#pa-progress")
    # The open panel still shows the old version: it says so instead of being overwritten.
    notice = page.inner_text(f"#panel-notice-{desk.pk}-SP-1\\.1")
    assert "lea changed this cell meanwhile: it is now PI" in notice
    assert page.input_value("#cell-panel input[name=version]") == "0"
