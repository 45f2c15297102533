"""`manage.py import_appraisal FILE`: create an appraisal from an exchange file (DESIGN §6)."""

from __future__ import annotations

import sys
import zipfile

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

import audit
from assessments.exchange import ExchangeError, import_appraisal, load_exchange_file
from assessments.models import Organisation
from audit.models import AuditAction

UNKNOWN_ORGANISATION = "No organisation has the slug {slug!r}."
UNKNOWN_USER = "No user is called {username!r}."
NOTHING_IMPORTED = "Nothing was imported: {count} problem{s} in {file}:"


class Command(BaseCommand):
    help = (
        "Import a cmmisvc.appraisal/1 JSON document or a ZIP bundle with its evidence files "
        "(docs/exchange.md): all of it, or nothing and a list of every problem."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the exchange file; '-' reads standard input")
        parser.add_argument(
            "--organisation",
            metavar="SLUG",
            help="import into this organisation instead of the one the file names "
            "(which is created if missing)",
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="the user recorded as the author of the rows"
        )

    def handle(self, *args, file: str, organisation: str | None, user: str | None, **options):
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(UNKNOWN_ORGANISATION.format(slug=organisation))
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(UNKNOWN_USER.format(username=user))
        try:
            if file != "-" and zipfile.is_zipfile(file):
                from evidence.bundle import import_bundle

                appraisal = import_bundle(file, organisation=org, user=importer)
            else:
                data = load_exchange_file(sys.stdin if file == "-" else file)
                appraisal = import_appraisal(data, organisation=org, user=importer)
        except ExchangeError as error:
            count = len(error.messages)
            heading = NOTHING_IMPORTED.format(count=count, s="" if count == 1 else "s", file=file)
            raise CommandError("\n  ".join([heading, *error.messages])) from None
        audit.record(
            None,
            AuditAction.IMPORTED,
            organisation=appraisal.organisation,
            target=f"{appraisal.name} (command)",
            actor=importer,
        )
        self.stdout.write(
            f"Imported {appraisal.name} ({appraisal.code}) into {appraisal.organisation}: "
            f"{appraisal.instances.count()} instances, "
            f"{appraisal.characterizations.count()} characterizations"
        )
