"""`manage.py compare_appraisals OLD NEW [--json]` or `--file OLD.json --file NEW.json`.

Prints what changed between two appraisals of the same constellation (DESIGN §6): each side is
rated as `rate_appraisal` rates it (an exchange file is imported into a transaction that is rolled
back), and `improvement.compare.compare_results` diffs the two results dicts.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessments.engine_input import load_appraisal_state
from assessments.exchange import ExchangeError, load_exchange_file
from assessments.management.commands.export_appraisal import appraisal_by_id
from assessments.management.commands.rate_appraisal import Command as RateCommand
from improvement.compare import compare_results, comparison_text

TWO_SIDES = "Give two appraisal ids (OLD NEW) or two --file options (OLD.json NEW.json)."
DIFFERENT_CONSTELLATIONS = (
    "{old} and {new} are appraisals of different constellations ({old_c} and {new_c}): "
    "only appraisals of the same constellation can be compared."
)


def _file_constellation(path: str) -> str:
    try:
        data = load_exchange_file(sys.stdin if path == "-" else path)
    except ExchangeError as error:
        raise CommandError(f"{path}: " + " ".join(error.messages)) from None
    appraisal = data.get("appraisal")
    return str(appraisal.get("constellation", "")) if isinstance(appraisal, dict) else ""


def _rated_file(path: str) -> dict[str, Any]:
    return RateCommand().rate_file(path, lambda state: state.results.to_dict(extended=False))


class Command(BaseCommand):
    help = (
        "Compare two appraisals of the same constellation: what rose and what fell per PA, goal "
        "and practice. --json prints the comparison format of DESIGN §6; --file compares two "
        "exchange files without storing them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("ids", nargs="*", metavar="ID", help="OLD and NEW: id or UUID code")
        parser.add_argument(
            "--file",
            action="append",
            default=[],
            metavar="FILE",
            help="an exchange file; give it twice, old first. Nothing is stored.",
        )
        parser.add_argument("--json", action="store_true", help="print the comparison JSON")

    def handle(self, *args, ids: list[str], file: list[str], json: bool, **options) -> None:
        if len(ids) == 2 and not file:
            old_app, new_app = appraisal_by_id(ids[0]), appraisal_by_id(ids[1])
            names = (f"appraisal {ids[0]}", f"appraisal {ids[1]}")
            slugs = (old_app.variant.constellation.slug, new_app.variant.constellation.slug)
            self._same_constellation(names, slugs)
            old = load_appraisal_state(old_app).results.to_dict(extended=False)
            new = load_appraisal_state(new_app).results.to_dict(extended=False)
        elif len(file) == 2 and not ids:
            slugs = (_file_constellation(file[0]), _file_constellation(file[1]))
            self._same_constellation((file[0], file[1]), slugs)
            old, new = _rated_file(file[0]), _rated_file(file[1])
        else:
            raise CommandError(TWO_SIDES)
        comparison = compare_results(old, new)
        text = _dumps(comparison) if json else comparison_text(comparison)
        self.stdout.write(text, ending="")

    def _same_constellation(self, names: tuple[str, str], slugs: tuple[str, str]) -> None:
        if slugs[0] != slugs[1]:
            raise CommandError(
                DIFFERENT_CONSTELLATIONS.format(
                    old=names[0], new=names[1], old_c=slugs[0] or "none", new_c=slugs[1] or "none"
                )
            )


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
