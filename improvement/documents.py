"""The improvement plan as documents: PDF (WeasyPrint, local assets only) and XLSX."""

from __future__ import annotations

from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from improvement.selectors import Plan
from reports import xlsx_safe
from reports.pdf import StaticOnlyFetcher, html_to_pdf

PDF_TEMPLATE = "improvement/plan_pdf.html"
COLUMNS = (
    ("Priority", 9),
    ("Title", 40),
    ("Status", 13),
    ("Owner", 16),
    ("Due", 12),
    ("Overdue", 9),
    ("Addresses", 24),
    ("Findings", 40),
    ("Description", 50),
    ("Drop reason", 30),
)


def plan_context(plan: Plan) -> dict:
    return {
        "plan": plan,
        "organisation": plan.organisation,
        "generated": timezone.now(),
    }


def plan_pdf(plan: Plan, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    return html_to_pdf(render_to_string(PDF_TEMPLATE, plan_context(plan)), fetcher=fetcher)


def plan_xlsx(plan: Plan) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Improvement plan"
    sheet.append([f"{plan.organisation.name}: improvement plan"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"Generated {timezone.now():%Y-%m-%d %H:%M} UTC", f"{len(plan.actions)} actions"])
    sheet.append([])
    sheet.append([name for name, _ in COLUMNS])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for action in plan.actions:
        owner = action.owner.get_full_name() or action.owner.username if action.owner else ""
        sheet.append(
            [
                action.priority,
                action.title,
                action.get_status_display(),
                owner,
                action.due_date,
                "yes" if action.pk in plan.overdue else "",
                ", ".join(str(t) for t in action.targets.all()),
                "\n".join(f.text for f in action.findings.all()),
                action.description,
                action.drop_reason,
            ],
        )
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row[4].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A5"
    buffer = BytesIO()
    # Every string may be user text: none may reach a spreadsheet as a formula.
    xlsx_safe.protect_workbook(book).save(buffer)
    return buffer.getvalue()
