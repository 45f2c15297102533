"""A team member adds the weakness a PI cell lacks from the findings page; the lead appraiser
records the participants' feedback on the preliminary findings page and closes the appraisal."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from assessments.models import Appraisal, Finding
from tests.browser.test_rating_flow import sign_in
from tests.conftest import rate_cell

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots go to the test's tmp_path unless SCREENSHOTS names a folder to keep them in.
SCREENSHOTS = os.environ.get("SCREENSHOTS")


def shot(page, tmp_path, name: str) -> None:
    folder = SCREENSHOTS or str(tmp_path)
    page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_add_the_missing_weakness_then_validate_and_close(
    live_server, browser, appraisal, team_member, lead, tmp_path
):
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "PI", team_member)
    rate_cell(appraisal, "hosting", "REQM", "SP 1.1", "FI", team_member)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, team_member.username)

    page.goto(live_server.url + reverse("assessments:findings", args=[appraisal.code]))
    missing = page.locator("#pa-REQM .missing-weaknesses")
    assert "SP 1.1" in missing.inner_text() and "Service desk" in missing.inner_text()
    missing.get_by_text("add a weakness").click()
    page.wait_for_selector("#finding-form")
    assert page.input_value("#id_practice") == "SP 1.1"
    assert page.input_value("#id_instance") == "desk"
    page.fill("#id_text", "Requirements are not confirmed with the desk's customers.")
    page.click("#finding-form button[type=submit]")
    page.wait_for_selector("text=Weakness recorded on REQM.")
    assert page.locator("#pa-REQM .missing-weaknesses").count() == 0
    assert "Service desk" in page.inner_text("#pa-REQM")
    shot(page, tmp_path, "findings.png")
    context.close()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, lead.username)
    page.goto(live_server.url + reverse("assessments:preliminary", args=[appraisal.code]))
    assert "1 of 1 finding without a validation outcome." in page.inner_text("#validation-progress")
    finding = Finding.objects.get()
    form = page.locator(f"#f{finding.pk} form")
    form.locator("select[name=validation]").select_option("rejected")
    form.locator("textarea[name=validation_note]").fill("The desk confirms them by e-mail.")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=Finding on REQM Rejected.")
    assert "0 of 1 finding without a validation outcome." in page.inner_text("#validation-progress")
    shot(page, tmp_path, "preliminary.png")
    page.emulate_media(media="print")
    assert not page.locator(f"#f{finding.pk} form").is_visible()
    page.emulate_media(media="screen")

    page.goto(live_server.url + appraisal.get_absolute_url())
    for status in ("review", "final"):
        page.select_option("select[name=status]", status)
        page.click("form[action$='/status/'] button[type=submit]")
        page.wait_for_selector(f"text=The appraisal is now {status.capitalize()}.")
    assert Appraisal.objects.get(pk=appraisal.pk).status == "final"
    context.close()
