"""A team member rates cells from the keyboard, reloads, and finds the values and the progress."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Characterization
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_rate_with_the_keyboard_and_reload(live_server, page, appraisal, team_member, tmp_path):
    sign_in(page, live_server, team_member.username)
    page.goto(live_server.url + appraisal.get_absolute_url())
    page.click("text=REQM")
    page.wait_for_selector("#grid")
    desk = appraisal.instances.get(key="desk")
    first = f"#cell-{desk.pk}-SP-1\\.1"
    second = f"#cell-{desk.pk}-SP-1\\.2"

    page.click(first)
    page.keyboard.press("f")
    page.wait_for_selector(f"{first}[data-value=FI]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("l")
    page.wait_for_selector(f"{second}[data-value=LI]")
    assert "2 of 34 cells rated" in page.inner_text("#pa-progress")

    page.reload()
    assert page.inner_text(first).startswith("FI")
    assert page.inner_text(second).startswith("LI")
    assert "2 of 34 cells rated (6%)" in page.inner_text("#pa-progress")
    width = page.eval_on_selector(
        "#pa-progress .progress-bar",
        "el => Math.round(100 * el.offsetWidth / el.parentElement.clientWidth)",
    )
    assert width == 6
    page.screenshot(path=str(tmp_path / "grid.png"))

    # Enter opens the panel with the history of the focused cell.
    page.click(second)
    page.keyboard.press("Enter")
    page.wait_for_selector("#cell-panel .cell-history")
    assert "tom" in page.inner_text("#cell-panel .cell-history")
    values = sorted(Characterization.objects.values_list("value", flat=True))
    assert values == ["FI", "LI"]
