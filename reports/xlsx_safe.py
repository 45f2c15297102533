"""Text written into a workbook stays text (issue 13, point 5: formula injection).

A finding, a team member's name or an instance name starting with `=`, `+`, `-`, `@`, a tab or a
carriage return would be read by a spreadsheet as a formula: `=HYPERLINK(...)` typed by one team
member would reach every reader of the report. Such text is written as an inline string with the
cell style's quotePrefix set (what Excel does when one types a leading apostrophe): the visible
text stays exactly what was typed, and editing the cell does not turn it into a formula either.

Use `cell_text(value)` for a value handed to `sheet.append()` or `cell.value`, and
`protect_workbook(wb)` (or `workbook_bytes(wb)`, which calls it) once before saving: it turns
every remaining risky string of every sheet into text.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.cell.rich_text import CellRichText

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: object) -> bool:
    """True for text that a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def cell_text(value):
    """`value`, made safe to put in a cell: risky text comes back as rich text of one run, which
    openpyxl writes as an inline string, never as a formula. Anything else is returned as is."""
    if is_risky(value):
        return CellRichText([value])
    return value


def protect_cell(cell: Cell) -> None:
    """Make a cell holding risky text a text cell with a quote prefix; leave others alone."""
    value = cell.value
    if isinstance(value, CellRichText):
        value = str(value)
    if not is_risky(value):
        return
    cell.value = value
    cell.data_type = "s"
    cell.quotePrefix = True


def protect_workbook(wb: Workbook) -> Workbook:
    """Turn every risky string in every sheet into text. The product writes no formulas, so a
    cell that openpyxl typed as a formula can only be text that looked like one."""
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str | CellRichText):
                    protect_cell(cell)
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes, protected first."""
    buffer = BytesIO()
    protect_workbook(wb).save(buffer)
    return buffer.getvalue()
