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
from evidence.selectors import cell_titles
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


EVIDENCE = "Evidence"


def evidence_text(row: Characterization | None, titles: dict[str, list[str]] | None) -> str:
    """A cell's note and the titles of its linked artifacts and affirmations as one text."""
    parts = []
    if row is not None and row.note:
        parts.append(row.note)
    titles = titles or {}
    if titles.get("artifact"):
        parts.append("Artifacts: " + "; ".join(titles["artifact"]))
    if titles.get("affirmation"):
        parts.append("Affirmations: " + "; ".join(titles["affirmation"]))
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
    if not report.shows_levels:
        result = ("Result", report.result_text)
    elif report.staged:
        result = ("Indicative maturity level", report.level)
    else:
        result = ("Indicative equivalent maturity level", report.level)
    facts = [
        ("Organisation", a.organisation.name),
        ("Organisational unit", a.organisational_unit),
        ("Sponsor", a.sponsor),
        ("Appraisal", a.name),
        ("Model variant", a.variant.name),
        ("Constellation", str(a.variant.constellation)),
        ("Representation", a.get_representation_display()),
        ("Method", a.get_method_display()),
        ("Evidence model", a.get_evidence_model_display()),
        ("Target", target),
        ("Start date", a.start_date),
        ("End date", a.end_date),
        ("Status", a.get_status_display()),
        ("Team", "\n".join(report.team)),
        result,
        ("Levels", "not an official SCAMPI A rating" if report.shows_levels else "none"),
        ("Generated", report.generated),
    ]
    for label, value in facts:
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 1).font = BOLD
        sheet.cell(sheet.max_row, 2).alignment = WRAP
    sheet.append([])
    levels = report.shows_levels
    header = ["PA", "Name", "Category", "ML", *(["Target"] if levels else []), "Rating"]
    header += [*(["CL"] if levels else []), "Strengths", "Weaknesses", "Scope justification"]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    justification = {
        row.acronym: row.justification for row in report.not_applicable + report.out_of_scope
    }
    for row in report.pa_rows:
        cells = [row.acronym, row.name, row.category, row.maturity_level]
        cells += [row.target] if levels else []
        cells += [row.rating_label]
        cells += [row.cl_label if row.in_scope else None] if levels else []
        cells += [row.strengths, row.weaknesses, justification.get(row.acronym, "")]
        sheet.append(cells)
    sheet.append([])
    sheet.append(["Instance", "Name", "Kind", "Process areas covered"])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for column in report.instances:
        sheet.append([column.key, column.name, column.kind, ", ".join(column.covered)])
    _widths(sheet, {1: 26, 2: 40, 3: 30, 4: 6, 5: 8, 6: 14, 7: 6, 8: 10, 9: 11, 10: 50})


def _pa_sheet(
    sheet: Worksheet, report: FindingsReport, detail: PADetail, titles: dict | None = None
) -> None:
    state = report.state
    acronym = detail.acronym
    instances = state.coverage.get(acronym, [])
    result = state.results.process_areas[acronym]
    sheet.append([f"{acronym} {detail.name}"])
    sheet["A1"].font = TITLE
    sheet.append(
        [
            f"Rating: {detail.rating_label}",
            f"Capability level: {detail.cl_label}" if report.shows_levels else "",
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
                if (text := evidence_text(row, (titles or {}).get((i.pk, acronym, code))))
            ]
            findings = [f"{f.get_kind_display()}: {_finding_text(f)}" for f in practice.findings]
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
            where = " ".join(
                filter(None, [getattr(finding, "goal_code", ""), finding.practice_code])
            )
            sheet.append(["", where, _finding_text(finding)])
            sheet.cell(sheet.max_row, 3).alignment = WRAP
        if not findings:
            sheet.append(["", "", "None recorded."])
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, len(PA_COLUMNS) + 1)
    widths = {1: 7, 2: 8, 3: 50}
    widths.update({len(PA_COLUMNS) + 1 + n: 12 for n in range(len(instances))})
    widths.update({org_column: 10, org_column + 1: 30, org_column + 2: 60, org_column + 3: 50})
    _widths(sheet, widths)


def _other_characterizations(wb: Workbook, report: FindingsReport, titles: dict) -> None:
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
        text = evidence_text(row, titles.get((row.sampled_instance_id, acronym, code)))
        sheet.append([key, acronym, code, row.value, text])
    _widths(sheet, {1: 20, 2: 8, 3: 10, 4: 8, 5: 80})


def _evidence_sheet(wb: Workbook, report: FindingsReport) -> None:
    """The evidence index: each item linked to the appraisal and where (issue 9)."""
    from evidence.selectors import evidence_index

    sheet = wb.create_sheet(EVIDENCE)
    sheet.append(["Objective evidence"])
    sheet["A1"].font = TITLE
    sheet.append(
        ["Item", "Kind", "Type", "URI", "Version", "Date", "Owner", "File", "Where linked"]
    )
    for cell in sheet[2]:
        cell.font = BOLD
    for entry in evidence_index(report.appraisal):
        item = entry.item
        sheet.append(
            [
                item.title,
                item.get_kind_display(),
                item.sort_label,
                item.uri,
                item.version,
                item.date,
                item.owner,
                item.file_name,
                "\n".join(entry.where),
            ]
        )
    _widths(sheet, {1: 40, 2: 12, 3: 14, 4: 40, 5: 10, 6: 12, 7: 20, 8: 24, 9: 60})


def _finding_text(finding) -> str:
    """A finding as the workbook shows it: the instance where it names one, rejected findings
    (only in a draft) marked. `protect_workbook` keeps it from being read as a formula."""
    text = finding.text
    instance = getattr(finding, "instance", None)
    if instance is not None:
        text = f"[{instance.name}] {text}"
    if finding.validation == "rejected":
        text = f"{text} (rejected by the participants: {finding.validation_note})"
    return text


def build_workbook(report: FindingsReport) -> Workbook:
    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY
    _summary(summary, report)
    titles = cell_titles(report.state.appraisal)
    for detail in report.details:
        _pa_sheet(wb.create_sheet(detail.acronym[:31]), report, detail, titles)
    _other_characterizations(wb, report, titles)
    _evidence_sheet(wb, report)
    # Every string above may be user text: none may reach a spreadsheet as a formula.
    return xlsx_safe.protect_workbook(wb)


def workbook_bytes(report: FindingsReport) -> bytes:
    return xlsx_safe.workbook_bytes(build_workbook(report))
