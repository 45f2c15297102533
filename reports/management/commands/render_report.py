"""`manage.py render_report ID -o FILE.pdf`: the findings report of an appraisal, for scripts.

ID is the appraisal's numeric id or its UUID code. A FILE ending in .xlsx gets the spreadsheet,
one ending in .html the PDF's HTML (for looking at the layout in a browser); anything else the PDF.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.management.commands.export_appraisal import appraisal_by_id
from reports import documents
from reports.pdf import StaticOnlyFetcher
from reports.selectors import findings_report, report_filename


class Command(BaseCommand):
    help = "Render an appraisal's findings report as PDF (or .xlsx / .html by the file's suffix)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("id", help="the appraisal's numeric id or its UUID code")
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="where to write; default: the download's file name in the current directory",
        )

    def handle(self, *args, id: str, output: str | None, **options) -> None:
        appraisal = appraisal_by_id(id)
        path = Path(output or report_filename(appraisal, "pdf"))
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            content = documents.findings_xlsx(appraisal)
        elif suffix in (".html", ".htm"):
            content = documents.findings_html(findings_report(appraisal)).encode()
        else:
            fetcher = StaticOnlyFetcher()
            content = documents.findings_pdf(appraisal, fetcher=fetcher)
            for url in fetcher.refused:
                self.stderr.write(f"Refused to fetch {url}")
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error}") from error
        self.stdout.write(f"Wrote {path} ({len(content):,} bytes)")
