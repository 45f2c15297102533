"""`manage.py rate_appraisal ID|--file FILE [--json]`: the results of DESIGN §4, as §6 prints them.

`--file` rates an exchange file without storing it: the file is imported, through the same
checks as `import_appraisal`, into a throwaway organisation inside a transaction that is rolled
back once the results are computed, so the rating is exactly what the app would show after an
import. The JSON is `Results.to_dict()`: the keys of DESIGN §6 plus the extensions `next_level`
and `blockers` (docs/rating.md); methods B and C write every level as null and no blockers.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.engine_input import AppraisalState, load_appraisal_state
from assessments.exchange import ExchangeError, import_appraisal, load_exchange_file
from assessments.management.commands.export_appraisal import appraisal_by_id
from assessments.models import Organisation
from assessments.results_summary import summary_text

ID_OR_FILE = "Give an appraisal id or --file FILE: one of them."
NOT_RATED = "Nothing was rated: {count} problem{s} in {file}:"


def results_json(state: AppraisalState) -> str:
    data = state.results.to_dict(levels=state.appraisal.shows_levels)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = (
        "Rate an appraisal by the rules of DESIGN §4 and print its results: a readable summary, "
        "or with --json the results format of DESIGN §6 (docs/rating.md). --file rates an "
        "exchange file without storing it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("id", nargs="?", help="the appraisal's numeric id or its UUID code")
        parser.add_argument(
            "--file",
            metavar="FILE",
            help="rate this exchange file (docs/exchange.md) instead; '-' reads standard input. "
            "Nothing is stored.",
        )
        parser.add_argument(
            "--json", action="store_true", help="print the results JSON instead of a summary"
        )

    def handle(self, *args, id: str | None, file: str | None, json: bool, **options) -> None:
        if (id is None) == (file is None):
            raise CommandError(ID_OR_FILE)
        output = results_json if json else summary_text
        if file is not None:
            text = self.rate_file(file, output)
        else:
            text = output(load_appraisal_state(appraisal_by_id(id)))
        self.stdout.write(text, ending="")

    def rate_file(self, file: str, output: Callable[[AppraisalState], str]) -> str:
        """Import the file, rate it and roll everything back: nothing is left in the database."""
        try:
            data = load_exchange_file(sys.stdin if file == "-" else file)
            with transaction.atomic():
                # A fresh organisation: the file's own may already hold an appraisal of that name.
                marker = uuid.uuid4().hex
                organisation = Organisation.objects.create(
                    name=f"rate_appraisal {marker}", slug=f"rate-appraisal-{marker}"
                )
                appraisal = import_appraisal(data, organisation=organisation)
                # Name the file's organisation in the summary (in memory only: rolled back).
                appraisal.organisation.name = str(data.get("organisation") or "no organisation")
                text = output(load_appraisal_state(appraisal))
                transaction.set_rollback(True)
        except ExchangeError as error:
            count = len(error.messages)
            heading = NOT_RATED.format(count=count, s="" if count == 1 else "s", file=file)
            raise CommandError("\n  ".join([heading, *error.messages])) from None
        return text
