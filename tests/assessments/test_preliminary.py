"""Preliminary findings validation (SCAMPI): the page the team presents, the participants'
feedback per finding, and no move to final while a finding has no outcome."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import finding_services, services
from assessments.engine_input import load_catalog
from assessments.models import Appraisal, Finding
from tests.conftest import rate_cell


@pytest.fixture
def findings(appraisal, team_member):
    catalog = load_catalog(appraisal.variant)
    reqm = catalog.process_areas["REQM"]

    def add(kind, text, **kwargs):
        return finding_services.finding_create(
            appraisal=appraisal, process_area=reqm, kind=kind, text=text, user=team_member, **kwargs
        )

    return [
        add("strength", "SLAs are agreed with every customer."),
        add("weakness", "Changes are not traced.", practice=catalog.practice("REQM", "SP 1.3")),
        add("weakness", "No review of agreements.", goal=catalog.goal("REQM", "SG 2")),
    ]


def _validate(client, appraisal, finding, **data):
    url = reverse("assessments:finding_validate", args=[appraisal.code, finding.pk])
    return client.post(url, data)


def test_the_page_lists_goals_practices_not_fi_and_findings(
    client, appraisal, findings, team_member, django_assert_max_num_queries
):
    rate_cell(appraisal, "desk", "REQM", "SP 1.3", "PI", team_member)
    rate_cell(appraisal, "hosting", "REQM", "SP 1.3", "NI", team_member)
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", team_member)
    rate_cell(appraisal, "hosting", "REQM", "SP 1.1", "FI", team_member)
    client.force_login(team_member)
    url = reverse("assessments:preliminary", args=[appraisal.code])
    with django_assert_max_num_queries(25):
        html = client.get(url).content.decode()
    reqm = re.search(
        r'<section class="preliminary-pa mb-4" id="pa-REQM">(.*?)</section>', html, re.S
    )
    text = " ".join(re.sub(r"<[^>]+>", " ", reqm.group(1)).split())
    assert "SG 1 Manage Requirements" in text
    assert "SP 1.3 Manage Requirements Changes (PI)" in text
    assert "SP 1.1 Obtain an Understanding of Requirements" not in text  # FI at the org unit
    assert "Changes are not traced." in text and "No review of agreements." in text
    assert text.index("Changes are not traced.") < text.index("SG 2 Establish")
    assert "3 of 3 findings without a validation outcome." in " ".join(
        re.sub(r"<[^>]+>", " ", html).split()
    )
    assert "finding_validate" not in html and "/validate/" not in html  # a member cannot record


def test_the_lead_records_accepted_revised_and_rejected(client, appraisal, findings, lead):
    strength, traced, review = findings
    client.force_login(lead)
    assert _validate(client, appraisal, strength, validation="accepted").status_code == 302
    _validate(client, appraisal, traced, validation="revised", text="Changes are traced by hand.")
    _validate(client, appraisal, review, validation="rejected", validation_note="Reviewed yearly.")
    rows = {f.pk: f for f in Finding.objects.all()}
    assert rows[strength.pk].validation == "accepted"
    assert (rows[traced.pk].validation, rows[traced.pk].text) == (
        "revised",
        "Changes are traced by hand.",
    )
    assert (rows[review.pk].validation, rows[review.pk].validation_note) == (
        "rejected",
        "Reviewed yearly.",
    )
    # The earlier text of the revised finding stays in its history, with who changed it.
    history = list(rows[traced.pk].history.order_by("history_date"))
    assert [h.text for h in history] == ["Changes are not traced.", "Changes are traced by hand."]
    assert history[-1].history_user == lead
    html = client.get(reverse("assessments:preliminary", args=[appraisal.code])).content.decode()
    assert "0 of 3 findings without a validation outcome." in " ".join(
        re.sub(r"<[^>]+>", " ", html).split()
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"validation": "revised", "text": " "}, "A revised finding needs its new text."),
        ({"validation": "rejected"}, "Say why the participants rejected the finding."),
    ],
)
def test_incomplete_feedback_is_refused_and_changes_nothing(
    client, appraisal, findings, lead, data, message
):
    client.force_login(lead)
    response = _validate(client, appraisal, findings[1], **data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert message in page
    finding = Finding.objects.get(pk=findings[1].pk)
    assert (finding.validation, finding.text) == ("", "Changes are not traced.")


def test_a_team_member_may_not_validate(client, appraisal, findings, team_member):
    client.force_login(team_member)
    assert _validate(client, appraisal, findings[0], validation="accepted").status_code == 403
    assert Finding.objects.get(pk=findings[0].pk).validation == ""


def test_final_waits_for_every_outcome(client, appraisal, findings, lead):
    services.appraisal_set_status(appraisal=appraisal, status="review", user=lead)
    with pytest.raises(ValidationError) as error:
        services.appraisal_set_status(appraisal=appraisal, status="final", user=lead)
    assert error.value.messages == [
        "3 findings still without a validation outcome: record the participants' feedback on "
        "the preliminary findings page before the appraisal becomes final."
    ]
    client.force_login(lead)
    response = client.post(
        reverse("assessments:status", args=[appraisal.code]), {"status": "final"}, follow=True
    )
    html = response.content.decode()
    assert "3 findings still without a validation outcome" in html
    assert f'href="{reverse("assessments:preliminary", args=[appraisal.code])}"' in html
    assert Appraisal.objects.get(pk=appraisal.pk).status == "review"
    for finding in findings:
        finding_services.finding_validate(finding=finding, validation="accepted", user=lead)
    services.appraisal_set_status(appraisal=appraisal, status="final", user=lead)
    assert Appraisal.objects.get(pk=appraisal.pk).status == "final"


def test_validation_raises_the_revision(appraisal, findings, lead):
    before = Appraisal.objects.get(pk=appraisal.pk).revision
    finding_services.finding_validate(finding=findings[0], validation="accepted", user=lead)
    assert Appraisal.objects.get(pk=appraisal.pk).revision == before + 1


def test_the_report_marks_rejected_findings_in_a_draft_and_drops_them_when_final(
    client, appraisal, findings, lead
):
    strength, traced, review = findings
    finding_services.finding_validate(finding=strength, validation="accepted", user=lead)
    finding_services.finding_validate(finding=traced, validation="accepted", user=lead)
    finding_services.finding_validate(
        finding=review, validation="rejected", note="Reviewed yearly.", user=lead
    )
    client.force_login(lead)
    url = reverse("reports:findings", args=[appraisal.code])
    draft = " ".join(re.sub(r"<[^>]+>", " ", client.get(url).content.decode()).split())
    assert "SG 2 Establish Service Requirements Agreements Weakness : No review of agreements." in (
        draft
    )
    assert "(rejected by the participants: Reviewed yearly.; left out of the final report)" in draft
    assert "REQM as a whole Strength : SLAs are agreed with every customer." in draft
    for status in ("review", "final"):
        services.appraisal_set_status(appraisal=appraisal, status=status, user=lead)
    final = client.get(url).content.decode()
    assert "No review of agreements." not in final
    assert "Changes are not traced." in final
