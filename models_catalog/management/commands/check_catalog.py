"""``manage.py check_catalog [SLUG]``: look a loaded catalog over for structural defects."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from models_catalog.checks import (
    catalog_counts,
    catalog_defects,
    catalog_warnings,
    not_applicable_allowed,
)
from models_catalog.models import Constellation


class Command(BaseCommand):
    help = (
        "Checks one constellation (by slug) or every loaded one for structural defects: process "
        "areas without goals, goals without practices, gaps in numbering, incomplete levels, "
        "variants naming unknown additions. Prints one line per defect and fails if there is any. "
        "Warns, without failing, when no process area may be declared not applicable."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="The constellation to check (default: all).")

    def handle(self, *args, slug=None, **options):
        if slug:
            try:
                constellations = [Constellation.objects.get(slug=slug)]
            except Constellation.DoesNotExist:
                known = ", ".join(Constellation.objects.values_list("slug", flat=True)) or "none"
                raise CommandError(f"Unknown constellation {slug!r} (loaded: {known}).") from None
        else:
            constellations = list(Constellation.objects.order_by("slug"))
            if not constellations:
                self.stdout.write("No constellation loaded: nothing to check.")
                return

        failed: list[str] = []
        total = 0
        for constellation in constellations:
            defects = catalog_defects(constellation)
            if defects:
                failed.append(constellation.slug)
                total += len(defects)
                for defect in defects:
                    self.stderr.write(defect)
                continue
            for warning in catalog_warnings(constellation):
                self.stderr.write(f"warning: {warning}")
            counts = catalog_counts(constellation)
            allowed = ", ".join(not_applicable_allowed(constellation)) or "none"
            self.stdout.write(
                f"OK {constellation.slug}: {counts['process_areas']} process areas, "
                f"{counts['goals']} goals, {counts['practices']} practices; "
                f"may be not applicable: {allowed}"
            )
        if failed:
            raise CommandError(
                f"{total} catalog defect{'s' if total != 1 else ''} in {', '.join(failed)}."
            )
