"""The findings report as a document: the PDF's HTML, the PDF, the XLSX.

Views and the `render_report` command call these; the benchmark times them.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from assessments.models import Appraisal
from reports.pdf import StaticOnlyFetcher, html_to_pdf
from reports.selectors import FindingsReport, findings_report

PDF_TEMPLATE = "reports/findings_pdf.html"
SCREEN_TEMPLATE = "reports/findings.html"


def report_context(report: FindingsReport) -> dict:
    from evidence.selectors import evidence_index

    return {
        "report": report,
        "appraisal": report.appraisal,
        "draft": not report.is_final,
        # Issue 9: the evidence index and the coverage summary per PA (§5).
        "evidence_index": evidence_index(report.appraisal),
        "indicators": report.state.indicators,
    }


def findings_html(report: FindingsReport) -> str:
    """The PDF's HTML: `base_pdf.html` around the same partials as the screen page."""
    return render_to_string(PDF_TEMPLATE, report_context(report))


def findings_pdf(appraisal: Appraisal, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    return html_to_pdf(findings_html(findings_report(appraisal)), fetcher=fetcher)


def findings_xlsx(appraisal: Appraisal) -> bytes:
    from reports.xlsx import workbook_bytes

    return workbook_bytes(findings_report(appraisal))
