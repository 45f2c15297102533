"""`manage.py export_appraisal ID [-o FILE]`: an appraisal as an exchange file (DESIGN §6)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.exchange import dumps, export_appraisal
from assessments.models import Appraisal

UNKNOWN_APPRAISAL = "No appraisal has the id or code {id!r}."


def appraisal_by_id(identifier: str) -> Appraisal:
    """The appraisal whose numeric pk or UUID `code` is `identifier`."""
    lookup: dict
    if identifier.isdigit():
        lookup = {"pk": int(identifier)}
    else:
        try:
            lookup = {"code": uuid.UUID(identifier)}
        except ValueError:
            raise CommandError(UNKNOWN_APPRAISAL.format(id=identifier)) from None
    appraisal = Appraisal.objects.filter(**lookup).first()
    if appraisal is None:
        raise CommandError(UNKNOWN_APPRAISAL.format(id=identifier))
    return appraisal


class Command(BaseCommand):
    help = "Write an appraisal as a cmmisvc.appraisal/1 JSON document (docs/exchange.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("id", help="the appraisal's numeric id or its UUID code")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
        )
        parser.add_argument(
            "--bundle",
            metavar="FILE.zip",
            help="write a ZIP bundle instead: appraisal.json and the evidence files (DESIGN §6)",
        )

    def handle(self, *args, id: str, output: str | None, bundle: str | None, **options) -> None:
        if bundle:
            from evidence.bundle import export_bundle

            export_bundle(appraisal_by_id(id), bundle)
            return
        text = dumps(export_appraisal(appraisal_by_id(id)))
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
