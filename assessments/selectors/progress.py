"""Rating progress of every PA in scope: rated and total cells, for the grid's progress bars.

Counting the rated cells of the whole appraisal reads every cell of it (11,760 on the full data
set), so the counts are kept in the cache under the appraisal's revision, like the results
(assessments/results_cache.py). A cell save changes one PA only: the counts after it are the
counts before it with that PA's recounted from the PA's own cells, which the save's answer reads
anyway. So a chain of saves never counts the whole appraisal again; any other write (scope,
instances, an import) raises the revision without an entry, and the next reader counts.

Every entry holds counts at least as new as its revision: a reader counts after reading the
revision, and a save derives revision r from revision r - 1, which differs from r only in the
saved PA, recounted after the save committed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.db.models import Count, Exists, OuterRef

from assessments.engine_input import Catalog, Progress
from assessments.models import Appraisal, Characterization, Instance
from assessments.results_cache import bypassed, cache_get, cache_set

VERSION = 1


def _key(appraisal_pk: int, revision: int, generation: str) -> str:
    return f"progress:v{VERSION}:{appraisal_pk}:{revision}:{generation}"


def pa_progress(values, practices, instances: int) -> Progress:
    """One PA's progress from its own values ((instance pk, code) -> value of the instances
    covering it) and its required practices."""
    return Progress(
        rated=sum(1 for (_, code), value in values.items() if value and code in practices),
        total=len(practices) * instances,
    )


def count_progress(
    appraisal: Appraisal, catalog: Catalog, in_scope_practices: dict[str, set]
) -> dict[str, Progress]:
    """Rated and total cells of every PA in scope, from two count queries: how many instances
    cover each PA, and the rated cells by PA and generic practice (specific practices
    together), counting only cells of covering instances."""
    by_id = {pa.pk: acronym for acronym, pa in catalog.process_areas.items()}
    gp_code = {p.pk: code for code, p in catalog.generic_practices.items()}
    through = Instance.process_areas.through.objects
    covering = dict(
        through.filter(instance__appraisal=appraisal)
        .order_by()
        .values("processarea_id")
        .annotate(n=Count("instance_id"))
        .values_list("processarea_id", "n")
    )
    rated: dict[str, int] = defaultdict(int)
    counts = (
        Characterization.objects.filter(appraisal=appraisal)
        .exclude(value="")
        .filter(
            Exists(
                through.filter(
                    instance_id=OuterRef("sampled_instance_id"),
                    processarea_id=OuterRef("process_area_id"),
                )
            )
        )
        .order_by()
        .values("process_area_id", "generic_practice_id")
        .annotate(n=Count("id"))
        .values_list("process_area_id", "generic_practice_id", "n")
    )
    for pa_id, gp_id, n in counts:
        acronym = by_id.get(pa_id)
        practices = in_scope_practices.get(acronym)
        # Specific practices of a PA in scope are all required; generic ones up to the target.
        if practices is not None and (gp_id is None or gp_code.get(gp_id) in practices):
            rated[acronym] += n
    return {
        acronym: Progress(
            rated=rated[acronym],
            total=len(practices) * covering.get(catalog.process_areas[acronym].pk, 0),
        )
        for acronym, practices in in_scope_practices.items()
    }


def appraisal_progress(
    appraisal: Appraisal,
    catalog: Catalog,
    in_scope_practices: Callable[[], dict[str, set]],
    acronym: str,
    fresh: Progress,
    *,
    saved_revision: int | None = None,
) -> dict[str, Progress]:
    """The progress of every PA in scope, with PA `acronym`'s as `fresh` (counted from the cells
    this request read). `in_scope_practices()` gives every PA's required practices; it is
    called only to count. `saved_revision`: the revision a committed save of a cell of that PA
    produced; its counts are derived from the previous revision's when the cache has them (the
    scope is part of the revision, so an entry's PAs are the PAs in scope at its revision)."""

    def counted() -> dict[str, Progress]:
        return count_progress(appraisal, catalog, in_scope_practices())

    generation = catalog.generation
    if generation is None:  # a catalog built outside the shared cache: nothing to key on
        return {**counted(), acronym: fresh}
    if saved_revision is not None and not bypassed(appraisal, saved=True):
        previous = cache_get(_key(appraisal.pk, saved_revision - 1, generation))
        progress = {**(previous if previous is not None else counted()), acronym: fresh}
        cache_set(_key(appraisal.pk, saved_revision, generation), progress)
        return progress
    if bypassed(appraisal):
        return {**counted(), acronym: fresh}
    entry = _key(appraisal.pk, appraisal.revision, generation)
    progress = cache_get(entry)
    if progress is None:
        progress = counted()
        cache_set(entry, progress)
    return {**progress, acronym: fresh}
