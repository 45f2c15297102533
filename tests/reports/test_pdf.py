"""The findings PDF (DESIGN §5): its text, its pages, DRAFT by status, local assets only.

PDF rendering is slow, so the demo appraisal is built and rendered twice (draft, then final) once
for the whole module, inside a transaction that is rolled back afterwards.
"""

from __future__ import annotations

import re
import socket
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from pypdf import PdfReader

from assessments import finding_services, services
from assessments.demo import seed_demo
from assessments.engine_input import load_appraisal_state
from assessments.models import Role
from reports.documents import findings_pdf
from reports.pdf import REFUSED, StaticOnlyFetcher, base_url, html_to_pdf, static_base


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with runs of white space made single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "cmmi_svc_draft_2007", verbosity=0)
        organisation, appraisal, users = seed_demo()
        state = load_appraisal_state(appraisal)
        expected = SimpleNamespace(
            organisation=organisation.name,
            maturity_level=state.results.maturity_level,
            in_scope=[f"{acr} {state.catalog.process_areas[acr].name}" for acr in state.in_scope],
            findings=[finding.text for finding in state.findings],
        )
        draft = findings_pdf(appraisal)
        lead = next(user for user, role in users if role == Role.LEAD_APPRAISER)
        # The participants validate the preliminary findings; the first is turned down.
        rejected, *accepted = appraisal.findings.order_by("pk")
        finding_services.finding_validate(
            finding=rejected, validation="rejected", note="Not what we do.", user=lead
        )
        for finding in accepted:
            finding_services.finding_validate(finding=finding, validation="accepted", user=lead)
        expected.rejected = rejected.text
        for status in ("review", "final"):
            services.appraisal_set_status(appraisal=appraisal, status=status, user=lead)
        final = findings_pdf(appraisal)
        transaction.set_rollback(True)
    return SimpleNamespace(
        expected=expected,
        draft=page_texts(draft),
        final=page_texts(final),
        draft_pdf=draft,
        contents=PdfReader(BytesIO(draft)).pages[2].extract_text(extraction_mode="layout"),
    )


def test_the_pdf_holds_organisation_level_process_areas_and_findings(demo):
    text = " ".join(demo.draft)

    assert demo.expected.organisation in text
    assert f"Indicative maturity level {demo.expected.maturity_level}" in text
    assert "not an official SCAMPI A rating" in text
    assert len(demo.expected.in_scope) == 7
    for name in demo.expected.in_scope:
        assert name in text
    assert len(demo.expected.findings) == 4
    for finding in demo.expected.findings:
        assert finding in text


def test_the_disclosure_statement_is_the_first_section_after_the_cover(demo):
    page = demo.draft[1]
    assert page.startswith("Appraisal disclosure statement") or (
        "Appraisal disclosure statement" in page
        and "Findings report" not in page.split("Appraisal")[0]
    )
    assert "Appraisal disclosure statement" not in demo.draft[0]
    for fact in (
        "Organisation Acme IT Services",
        "Lead appraiser Lea Lead",
        "Method SCAMPI A style (indicative levels)",
        "Evidence model v1.3: artifacts and affirmations",
        "Dates 2026-10-05 to 2026-12-11",
        "Not applicable SAM:",
        "Results valid until 2029-12-11.",
        f"Result Indicative maturity level {demo.expected.maturity_level}",
    ):
        assert fact in page, fact
    assert "Instances sampled" in page and "Process areas in scope" in page


def test_findings_are_printed_per_goal_and_rejected_ones_only_in_a_draft(demo):
    draft, final = " ".join(demo.draft), " ".join(demo.final)
    # The demo's findings are on PAs as a whole: each PA lists them under "<PA> as a whole".
    assert "Strengths and weaknesses IRM as a whole Strength:" in draft
    assert demo.expected.rejected not in final
    assert "rejected by the participants: Not what we do." not in final
    assert demo.expected.rejected in draft  # the draft was printed before the validation
    for finding in demo.expected.findings:
        if finding != demo.expected.rejected:
            assert finding in final


def test_every_page_of_a_draft_says_draft_and_page_n_of_m(demo):
    pages = demo.draft
    assert len(pages) > 10
    for number, text in enumerate(pages, start=1):
        assert "DRAFT" in text, number
        assert f"page {number} of {len(pages)}" in text


def test_a_final_report_is_not_a_draft(demo):
    assert "page 1 of" in demo.final[0]
    assert not any("DRAFT" in text for text in demo.final)


def test_the_contents_give_the_page_of_each_section(demo):
    contents = demo.contents  # laid out as on the page: each title and its number on one line
    for title in (
        "Appraisal disclosure statement",
        "Scope and method",
        "Results summary",
        "ITSM coverage",
        "IRM Incident",
    ):
        match = re.search(re.escape(title) + r"[A-Za-z ]*? +(\d+)\n", contents)
        assert match, title
        assert title in demo.draft[int(match.group(1)) - 1]


def test_itsm_coverage_names_what_cmmi_svc_does_not_cover(demo):
    text = " ".join(demo.draft)
    assert "Information Security Management" in text
    assert "Budgeting & Accounting for IT Services" in text
    assert text.count("Not covered by CMMI for Services") == 2
    # The demo's variant, CMMI-SVC, has neither OSM nor SCON.
    assert "Not covered by CMMI-SVC: OSM would address it but is not in this model variant." in text
    assert "Partly covered: CAM" in text and "SCON not in CMMI-SVC" in text


def test_the_pdf_metadata_title(demo):
    title = PdfReader(BytesIO(demo.draft_pdf)).metadata.title
    assert title == "Acme IT Services · 2026 service self-assessment · Findings report"


# --- Local assets only ---------------------------------------------------------------------------


def test_the_fetcher_serves_static_files_and_data_urls():
    fetcher = StaticOnlyFetcher()

    css = fetcher.fetch(base_url() + "css/report.css")
    assert css.content_type == "text/css"
    assert b"@font-face" in css.read()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


@pytest.mark.parametrize(
    "url",
    [
        "https://fonts.googleapis.com/css2?family=Inter",
        "http://127.0.0.1:8000/static/css/report.css",
        "ftp://example.org/x.css",
        "file:///etc/passwd",
        "FILE:///etc/hostname",
        "file://example.org/static/css/report.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    fetcher = StaticOnlyFetcher()

    with pytest.raises(ValueError) as error:
        fetcher.fetch(url)
    assert str(error.value) == REFUSED.format(url=url)
    assert fetcher.refused == [url]


def test_a_path_escaping_the_static_directory_is_refused():
    fetcher = StaticOnlyFetcher()
    url = base_url() + "../pyproject.toml"
    assert (static_base().parent / "pyproject.toml").exists()

    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_rendering_never_opens_a_network_connection(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access during rendering")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    fetcher = StaticOnlyFetcher()
    html = (
        '<link rel="stylesheet" href="css/report.css">'
        '<link rel="stylesheet" href="https://cdn.example.org/x.css">'
        '<p style="background: url(http://example.org/bg.png)">Note '
        '<img src="https://example.org/logo.png"> <img src="file:///etc/hostname"></p>'
    )

    pdf = html_to_pdf(html, fetcher=fetcher)

    assert pdf.startswith(b"%PDF")
    assert sorted(fetcher.refused) == [
        "file:///etc/hostname",
        "http://example.org/bg.png",
        "https://cdn.example.org/x.css",
        "https://example.org/logo.png",
    ]
