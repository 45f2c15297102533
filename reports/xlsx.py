"""The findings report as a workbook, in the shape of a practice implementation indicator (PIID)
workbook: a summary sheet, then one sheet per process area in scope with a row per practice, a
column per covering instance, the organisational value, the judgment, notes and evidence, and the
findings. Characterizations that the rating does not use (a practice the target does not require,
an instance no longer covering the PA, a PA out of scope) go to an "Other characterizations" sheet,
so that every characterization, note and finding of the appraisal is in the file.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assessments.models import Characterization
from reports import xlsx_safe
from reports.selectors import PENDING, FindingsReport, PADetail

SUMMARY = "Summary"
OTHER = "Other characterizations"
HEADER_ROW = 4  # header row of a PA sheet; practice rows follow
PA_COLUMNS = ("Goal", "Practice", "Title")
TRAILING_COLUMNS = ("Org value", "Team judgment", "Notes and evidence", "Findings")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
FILLS = {
    "FI": PatternFill("solid", fgColor="A3D9B8"),
    "LI": PatternFill("solid", fgColor="D7EEDC"),
    "PI": PatternFill("solid", fgColor="FFE3A3"),
    "NI": PatternFill("solid", fgColor="F3B4B9"),
    "NY": PatternFill("solid", fgColor="E2E3E5"),
    PENDING: PatternFill("solid", fgColor="FFD27A"),
}
GOAL_FILL = PatternFill("solid", fgColor="EEF1F4")


def evidence_text(row: Characterization | None) -> str:
    """A cell's note, artifacts and affirmations as one text."""
    if row is None:
        return ""
    parts = []
    if row.note:
        parts.append(row.note)
    if row.artifacts:
        parts.append("Artifacts: " + "; ".join(row.artifacts.splitlines()))
    if row.affirmations:
        parts.append("Affirmations: " + "; ".join(row.affirmations.splitlines()))
    return " | ".join(parts)


def _widths(sheet: Worksheet, widths: dict[int, float]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def _summary(sheet: Worksheet, report: FindingsReport) -> None:
    a = report.appraisal
    sheet.append([f"{a.organisation.name}: {a.name}"])
    sheet["A1"].font = TITLE
    sheet.append(["Findings report", "DRAFT" if not report.is_final else "final"])
    sheet.append([])
    target = (
        f"ML{a.target_maturity_level}" if report.staged else "capability profile (per process area)"
    )
    facts = [
        ("Organisation", a.organisation.name),
        ("Appraisal", a.name),
        ("Model variant", a.variant.name),
        ("Constellation", str(a.variant.constellation)),
        ("Representation", a.get_representation_display()),
        ("Target", target),
        ("Start date", a.start_date),
        ("End date", a.end_date),
        ("Status", a.get_status_display()),
        ("Team", "\n".join(report.team)),
        ("Maturity level" if report.staged else "Equivalent maturity level", report.level),
        ("Generated", report.generated),
    ]
    for label, value in facts:
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 1).font = BOLD
        sheet.cell(sheet.max_row, 2).alignment = WRAP
    sheet.append([])
    header = ["PA", "Name", "Category", "ML", "Target", "Rating", "CL", "Strengths", "Weaknesses"]
    header.append("Scope justification")
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    justification = {
        row.acronym: row.justification for row in report.not_applicable + report.out_of_scope
    }
    for row in report.pa_rows:
        sheet.append(
            [
                row.acronym,
                row.name,
                row.category,
                row.maturity_level,
                row.target,
                row.rating_label,
                row.capability_level,
                row.strengths,
                row.weaknesses,
                justification.get(row.acronym, ""),
            ]
        )
    sheet.append([])
    sheet.append(["Instance", "Name", "Kind", "Process areas covered"])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for column in report.instances:
        sheet.append([column.key, column.name, column.kind, ", ".join(column.covered)])
    _widths(sheet, {1: 26, 2: 40, 3: 30, 4: 6, 5: 8, 6: 14, 7: 6, 8: 10, 9: 11, 10: 50})


def _pa_sheet(sheet: Worksheet, report: FindingsReport, detail: PADetail) -> None:
    state = report.state
    acronym = detail.acronym
    instances = state.coverage.get(acronym, [])
    result = state.results.process_areas[acronym]
    sheet.append([f"{acronym} {detail.name}"])
    sheet["A1"].font = TITLE
    sheet.append(
        [
            f"Rating: {detail.rating_label}",
            f"Capability level: CL{detail.capability_level}",
            f"Maturity level {detail.maturity_level}",
            f"Target: {detail.target}" if detail.target else "",
        ]
    )
    sheet.append([])
    header = [*PA_COLUMNS, *(i.key for i in instances), *TRAILING_COLUMNS]
    sheet.append(header)
    for cell in sheet[HEADER_ROW]:
        cell.font = BOLD
        cell.alignment = WRAP
    org_column = len(PA_COLUMNS) + len(instances) + 1
    for goal in detail.goals:
        sheet.append([goal.code, "", goal.title, *([""] * len(instances)), goal.rating_label])
        judgment = state.goal_judgments.get((acronym, goal.code))
        if judgment:
            sheet.cell(sheet.max_row, org_column + 1, f"{judgment.rating}: {judgment.rationale}")
        for cell in sheet[sheet.max_row]:
            cell.fill = GOAL_FILL
            cell.font = BOLD
        for practice in goal.practices:
            code = practice.code
            rows = [state.cells.get((i.pk, acronym, code)) for i in instances]
            judgment = state.practice_judgments.get((acronym, code))
            notes = [
                f"{i.key}: {text}"
                for i, row in zip(instances, rows, strict=True)
                if (text := evidence_text(row))
            ]
            findings = [f"{f.get_kind_display()}: {f.text}" for f in practice.findings]
            values = [row.value if row else "" for row in rows]
            org = result.practices[code]
            sheet.append(
                [
                    goal.code,
                    code,
                    practice.title,
                    *values,
                    PENDING if org.pending else (org.value or ""),
                    f"{judgment.value}: {judgment.rationale}" if judgment else "",
                    "\n".join(notes),
                    "\n".join(findings),
                ]
            )
            line = sheet.max_row
            for offset, value in enumerate([*values, sheet.cell(line, org_column).value]):
                if fill := FILLS.get(value):
                    sheet.cell(line, len(PA_COLUMNS) + 1 + offset).fill = fill
            for column in (3, org_column + 2, org_column + 3):
                sheet.cell(line, column).alignment = WRAP
    sheet.append([])
    for kind, findings in (("Strengths", detail.strengths), ("Weaknesses", detail.weaknesses)):
        sheet.append([kind])
        sheet.cell(sheet.max_row, 1).font = BOLD
        for finding in findings:
            sheet.append(["", finding.practice_code, finding.text])
            sheet.cell(sheet.max_row, 3).alignment = WRAP
        if not findings:
            sheet.append(["", "", "None recorded."])
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, len(PA_COLUMNS) + 1)
    widths = {1: 7, 2: 8, 3: 50}
    widths.update({len(PA_COLUMNS) + 1 + n: 12 for n in range(len(instances))})
    widths.update({org_column: 10, org_column + 1: 30, org_column + 2: 60, org_column + 3: 50})
    _widths(sheet, widths)


def _other_characterizations(wb: Workbook, report: FindingsReport) -> None:
    """Cells the rating does not use, so the file still holds every characterization."""
    state = report.state
    used = {
        (i.pk, d.acronym, p.code)
        for d in report.details
        for i in state.coverage.get(d.acronym, [])
        for g in d.goals
        for p in g.practices
    }
    keys = {i.pk: i.key for i in state.instances}
    rows = [
        (keys.get(pk, ""), acronym, code, row)
        for (pk, acronym, code), row in state.cells.items()
        if (pk, acronym, code) not in used
    ]
    if not rows:
        return
    sheet = wb.create_sheet(OTHER)
    sheet.append(["Characterizations that the rating does not use"])
    sheet["A1"].font = TITLE
    sheet.append(["Instance", "PA", "Practice", "Value", "Notes and evidence"])
    for cell in sheet[2]:
        cell.font = BOLD
    for key, acronym, code, row in sorted(rows, key=lambda r: (r[1], r[2], r[0])):
        sheet.append([key, acronym, code, row.value, evidence_text(row)])
    _widths(sheet, {1: 20, 2: 8, 3: 10, 4: 8, 5: 80})


def build_workbook(report: FindingsReport) -> Workbook:
    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY
    _summary(summary, report)
    for detail in report.details:
        _pa_sheet(wb.create_sheet(detail.acronym[:31]), report, detail)
    _other_characterizations(wb, report)
    # Every string above may be user text: none may reach a spreadsheet as a formula.
    return xlsx_safe.protect_workbook(wb)


def workbook_bytes(report: FindingsReport) -> bytes:
    return xlsx_safe.workbook_bytes(build_workbook(report))
