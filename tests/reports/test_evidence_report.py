"""The findings report's evidence index and coverage summary (issue 9, point 8)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from reports import documents
from tests.conftest import link_evidence


def test_the_report_lists_the_evidence_and_the_coverage_per_pa(rated, team_member):
    link_evidence(rated, "hosting", "REQM", "SP 1.1", "=HYPERLINK(evil)", team_member)
    html = documents.findings_html(documents.findings_report(rated))
    index = html.split('id="evidence-index"', 1)[1]
    assert "Interview with the desk lead" in index
    assert "REQM SP 1.1 · Service desk" in index
    coverage = html.split('id="coverage-summary"', 1)[1].split("</table>", 1)[0]
    assert ">REQM<" in coverage and ">CM<" in coverage


def test_the_pdf_carries_the_evidence_index(rated):
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(BytesIO(documents.findings_pdf(rated))).pages
    )
    assert "Evidence index" in text
    assert "SLA register" in text
    assert "Coverage per process area" in text


def test_the_workbook_has_an_evidence_sheet_with_formulas_as_text(rated, team_member):
    link_evidence(rated, "hosting", "REQM", "SP 1.1", "=HYPERLINK(evil)", team_member)
    wb = load_workbook(BytesIO(documents.findings_xlsx(rated)))
    sheet = wb["Evidence"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=3)}
    assert rows["SLA register"][8].value == "REQM SP 1.1 · Service desk"
    assert rows["=HYPERLINK(evil)"][0].data_type == "s"
    reqm = wb["REQM"]
    texts = [c.value for row in reqm.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Artifacts: SLA register; Trace matrix" in t for t in texts)
