"""The findings report's read models, by page: `findings` builds the report (screen, PDF and
XLSX), `rows` holds the rows it prints. Callers import the names from here."""

from reports.selectors.findings import findings_report
from reports.selectors.rows import (
    PENDING,
    FindingsReport,
    Grid,
    PADetail,
    PARow,
    PendingRow,
    PracticeRow,
    report_filename,
)

__all__ = [
    "PENDING",
    "FindingsReport",
    "Grid",
    "PADetail",
    "PARow",
    "PendingRow",
    "PracticeRow",
    "findings_report",
    "report_filename",
]
