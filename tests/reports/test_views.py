"""The report page and its downloads: who may get them, what they are called, what they hold."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import services
from assessments.engine_input import load_appraisal_state
from assessments.models import Characterization, Finding
from reports.selectors import PENDING
from reports.xlsx import EVIDENCE, HEADER_ROW, SUMMARY
from tests.reports.conftest import NOTE, PA_WEAKNESS, SAM_JUSTIFICATION, STRENGTH, WEAKNESS

NAMES = ["reports:findings", "reports:findings_pdf", "reports:findings_xlsx"]


def url(name: str, appraisal) -> str:
    return reverse(name, kwargs={"code": appraisal.code})


def test_urls():
    code = "53f9a66b-d63f-4d0d-9d68-2ffcc5a43bf2"
    assert reverse("reports:findings", kwargs={"code": code}) == f"/a/{code}/report/"
    assert reverse("reports:findings_pdf", kwargs={"code": code}) == f"/a/{code}/report.pdf"
    assert reverse("reports:findings_xlsx", kwargs={"code": code}) == f"/a/{code}/report.xlsx"


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_is_sent_to_sign_in(client, appraisal, name):
    response = client.get(url(name, appraisal))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", NAMES)
def test_outsider_gets_404(client, appraisal, outsider, name):
    client.force_login(outsider)

    assert client.get(url(name, appraisal)).status_code == 404


@pytest.mark.parametrize("name", NAMES)
def test_posting_is_not_allowed(client, appraisal, viewer, name):
    client.force_login(viewer)

    assert client.post(url(name, appraisal)).status_code == 405


def test_viewer_downloads_the_pdf(client, appraisal, viewer):
    client.force_login(viewer)

    response = client.get(url("reports:findings_pdf", appraisal))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="acme-2026-self-assessment-{today}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["viewer", "org_admin"])
def test_members_download_the_xlsx(client, appraisal, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(url("reports:findings_xlsx", appraisal))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="acme-2026-self-assessment-{today}.xlsx"'
    )


@pytest.mark.parametrize("who", ["viewer", "team_member", "lead"])
def test_members_see_the_report_page(client, rated, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(url("reports:findings", rated))

    assert response.status_code == 200
    html = response.content.decode()
    assert url("reports:findings_pdf", rated) in html
    assert url("reports:findings_xlsx", rated) in html
    assert "DRAFT" in html
    for text in (STRENGTH, WEAKNESS, PA_WEAKNESS, SAM_JUSTIFICATION, "Acme IT Services"):
        assert text in html
    assert "Information Security Management" in html


def test_the_report_page_of_a_final_appraisal_is_not_a_draft(client, rated, viewer):
    rated.status = "final"
    rated.save()
    client.force_login(viewer)

    assert "DRAFT" not in client.get(url("reports:findings", rated)).content.decode()


def test_the_report_page_query_count_is_fixed(
    client, rated, viewer, lead, django_assert_num_queries
):
    client.force_login(viewer)
    page = url("reports:findings", rated)
    with CaptureQueriesContext(connection) as small:
        client.get(page)
    state = load_appraisal_state(rated)
    pas = [state.catalog.process_areas[acr] for acr in state.in_scope]
    for n in range(3):
        services.instance_save(
            appraisal=rated, key=f"more-{n}", name=f"More {n}", kind="team", process_areas=pas
        )
        services.finding_create(
            appraisal=rated, process_area=pas[n], kind="weakness", text=f"More {n}", user=lead
        )

    with django_assert_num_queries(len(small)):
        client.get(page)
    assert len(small) <= 25


# --- The workbook reads back ----------------------------------------------------------------------


def test_the_xlsx_reads_back_with_the_database_values(client, rated, viewer):
    client.force_login(viewer)
    response = client.get(url("reports:findings_xlsx", rated))
    wb = load_workbook(BytesIO(response.content))
    state = load_appraisal_state(rated)

    assert wb.sheetnames == [SUMMARY, *state.in_scope, EVIDENCE]

    summary = wb[SUMMARY]
    facts = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row and row[0]}
    assert facts["Organisation"] == "Acme IT Services"
    assert facts["Appraisal"] == "2026 self-assessment"
    assert facts["Indicative maturity level"] == state.results.maturity_level
    pa_rows = {
        row[0]: row
        for row in summary.iter_rows(values_only=True)
        if row and row[0] in state.results.process_areas
    }
    assert set(pa_rows) == set(state.results.process_areas)
    assert pa_rows["REQM"][5:7] == ("Satisfied", "CL2")
    assert pa_rows["SAM"][5] == "Not applicable" and pa_rows["SAM"][9] == SAM_JUSTIFICATION

    keys = {i.pk: i.key for i in state.instances}
    checked = 0
    for row in Characterization.objects.filter(appraisal=rated).select_related("process_area"):
        code = row.practice_code
        sheet = wb[row.process_area.acronym]
        header = [cell.value for cell in sheet[HEADER_ROW]]
        line = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[1].value == code)
        assert line[header.index(keys[row.sampled_instance_id])].value == row.value, code
        org = state.results.process_areas[row.process_area.acronym].practices[code]
        expected = PENDING if org.pending else (org.value or None)
        assert line[header.index("Org value")].value == expected, code
        checked += 1
    assert checked == 2 * (7 + 10) + 3  # REQM: 7 SPs and GP 2.1–2.10 per instance; CM: 3

    reqm = wb["REQM"]
    header = [cell.value for cell in reqm[HEADER_ROW]]
    sp11 = next(r for r in reqm.iter_rows(min_row=HEADER_ROW + 1) if r[1].value == "SP 1.1")
    notes = sp11[header.index("Notes and evidence")].value
    assert notes == (
        f"desk: {NOTE} | Artifacts: SLA register; Trace matrix | "
        "Affirmations: Interview with the desk lead"
    )
    sp14 = next(r for r in reqm.iter_rows(min_row=HEADER_ROW + 1) if r[1].value == "SP 1.4")
    assert sp14[header.index("Findings")].value == f"Strength: {STRENGTH}"

    cm = wb["CM"]
    header = [cell.value for cell in cm[HEADER_ROW]]
    sp11 = next(r for r in cm.iter_rows(min_row=HEADER_ROW + 1) if r[1].value == "SP 1.1")
    assert sp11[header.index("Team judgment")].value == "LI: Hosting's gap is a single tool."
    texts = [cell for row in cm.iter_rows(values_only=True) for cell in row if cell]
    for finding in Finding.objects.filter(appraisal=rated, process_area__acronym="CM"):
        assert any(finding.text in str(text) for text in texts)
