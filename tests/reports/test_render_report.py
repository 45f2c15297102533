"""`manage.py render_report ID -o FILE`."""

from __future__ import annotations

from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.selectors import report_filename


def test_writes_the_pdf_by_id(appraisal, tmp_path):
    target = tmp_path / "report.pdf"
    out = StringIO()

    call_command("render_report", str(appraisal.pk), "-o", str(target), stdout=out)

    reader = PdfReader(BytesIO(target.read_bytes()))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Acme IT Services" in text and "DRAFT" in text
    assert out.getvalue().startswith(f"Wrote {target} (")


def test_writes_the_workbook_by_uuid_code(appraisal, tmp_path):
    target = tmp_path / "report.xlsx"

    call_command("render_report", str(appraisal.code), "-o", str(target), stdout=StringIO())

    assert load_workbook(target).sheetnames[0] == "Summary"


def test_html_for_looking_at_the_layout(appraisal, tmp_path):
    target = tmp_path / "report.html"

    call_command("render_report", str(appraisal.code), "--output", str(target), stdout=StringIO())

    html = target.read_text(encoding="utf-8")
    assert "@page" in html and 'href="css/report.css"' in html


def test_default_file_name(appraisal, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("reports.documents.findings_pdf", lambda appraisal, fetcher: b"%PDF-1.7")

    call_command("render_report", str(appraisal.pk), stdout=StringIO())

    assert (tmp_path / report_filename(appraisal, "pdf")).read_bytes() == b"%PDF-1.7"


@pytest.mark.parametrize(
    "identifier", ["999999", "not-a-uuid", "6f1c1f0e-0000-4000-8000-000000000000"]
)
def test_unknown_appraisal(db, identifier):
    with pytest.raises(CommandError, match="No appraisal has the id or code"):
        call_command("render_report", identifier, "-o", "/tmp/never.pdf")
