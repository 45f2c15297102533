"""Structural checks of a loaded catalog (``manage.py check_catalog``).

The database constraints keep each row sound (unique numbers, levels in range, required foreign
keys); these checks look at a constellation as a whole: that every process area has goals and every
goal practices, that numbering has no gaps, that the levels are complete, that variants name
additions which exist, and that nothing points into another constellation.
"""

from __future__ import annotations

from django.db.models import Prefetch

from .models import (
    Constellation,
    GenericGoal,
    GenericPractice,
    ItsmProcess,
    ModelVariant,
    ProcessArea,
    SpecificGoal,
    SpecificPractice,
)


def entry(model, *key) -> str:
    """An entry named as fixtures name it: ``models_catalog.processarea ('slug', 'REQM')``."""
    return f"{model._meta.label_lower} {tuple(key)!r}"


def _numbers(numbers) -> str:
    return ", ".join(str(n) for n in numbers) or "none"


def numbering_defect(what: str, numbers, expected) -> str | None:
    """ "<what> numbered 1, 3 (expected 1, 2)" when ``numbers`` is not ``expected``; else None."""
    numbers, expected = sorted(numbers), list(expected)
    if numbers == expected:
        return None
    return f"{what} numbered {_numbers(numbers)} (expected {_numbers(expected)})"


def consecutive(numbers, start: int = 1) -> range:
    return range(start, start + len(list(numbers)))


def catalog_defects(constellation: Constellation) -> list[str]:
    """Every structural defect of ``constellation``'s catalog, one message each ([] when sound).

    Each message starts with the natural key of the entry at fault. A fixed number of queries.
    """
    slug = constellation.slug
    defects: list[str] = []

    def add(model, key, problem):
        defects.append(f"{entry(model, *key)}: {problem}")

    # -- levels ---------------------------------------------------------------------------------
    ml_numbers = list(constellation.maturity_levels.values_list("number", flat=True))
    problem = numbering_defect("maturity levels", ml_numbers, range(1, 6))
    if problem:
        add(Constellation, (slug,), problem)
    cl_numbers = list(constellation.capability_levels.values_list("number", flat=True))
    problem = numbering_defect(
        "capability levels", cl_numbers, range(0, constellation.max_capability_level + 1)
    )
    if problem:
        add(Constellation, (slug,), problem)

    # -- process areas, specific goals and practices --------------------------------------------
    process_areas = list(
        ProcessArea.objects.filter(constellation=constellation)
        .select_related("category", "maturity_level")
        .prefetch_related(
            Prefetch("goals", queryset=SpecificGoal.objects.order_by("number")),
            Prefetch("goals__practices", queryset=SpecificPractice.objects.order_by("number")),
        )
        .order_by("acronym")
    )
    additions: set[str] = set()
    for pa in process_areas:
        key = (slug, pa.acronym)
        if pa.addition:
            additions.add(pa.addition)
        if pa.category.constellation_id != constellation.pk:
            add(ProcessArea, key, f"category {pa.category.name!r} is of another constellation")
        if pa.maturity_level.constellation_id != constellation.pk:
            add(
                ProcessArea,
                key,
                f"maturity level {pa.maturity_level.number} is of another constellation",
            )
        goals = list(pa.goals.all())
        if not goals:
            add(ProcessArea, key, "has no specific goals")
            continue
        problem = numbering_defect("specific goals", [g.number for g in goals], consecutive(goals))
        if problem:
            add(ProcessArea, key, problem)
        for goal in goals:
            goal_key = (*key, goal.number)
            if goal.addition:
                additions.add(goal.addition)
            practices = list(goal.practices.all())
            if not practices:
                add(SpecificGoal, goal_key, "has no specific practices")
                continue
            problem = numbering_defect(
                "specific practices", [p.number for p in practices], consecutive(practices)
            )
            if problem:
                add(SpecificGoal, goal_key, problem)

    # -- generic goals and practices ------------------------------------------------------------
    generic_goals = list(
        GenericGoal.objects.filter(constellation=constellation)
        .select_related("capability_level")
        .prefetch_related(
            Prefetch("practices", queryset=GenericPractice.objects.order_by("number"))
        )
        .order_by("number")
    )
    problem = numbering_defect(
        "generic goals", [g.number for g in generic_goals], consecutive(generic_goals)
    )
    if problem:
        add(Constellation, (slug,), problem)
    for goal in generic_goals:
        key = (slug, goal.number)
        # A capability level numbered differently from the goal is allowed; another
        # constellation's is not.
        if goal.capability_level.constellation_id != constellation.pk:
            add(
                GenericGoal,
                key,
                f"capability level {goal.capability_level.number} is of another constellation",
            )
        practices = list(goal.practices.all())
        if not practices:
            add(GenericGoal, key, "has no generic practices")
            continue
        problem = numbering_defect(
            "generic practices", [p.number for p in practices], consecutive(practices)
        )
        if problem:
            add(GenericGoal, key, problem)

    # -- model variants ---------------------------------------------------------------------------
    for variant in ModelVariant.objects.filter(constellation=constellation).order_by("order"):
        key = (slug, variant.slug)
        names = variant.additions
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            add(ModelVariant, key, f"additions must be a list of names, not {names!r}")
            continue
        for name in names:
            if name not in additions:
                add(
                    ModelVariant,
                    key,
                    f"addition {name!r} is carried by no process area or goal",
                )

    # -- ITSM mapping -----------------------------------------------------------------------------
    itsm = (
        ItsmProcess.objects.filter(constellation=constellation)
        .prefetch_related("process_areas")
        .order_by("order", "name")
    )
    for process in itsm:
        for pa in process.process_areas.all():
            if pa.constellation_id != constellation.pk:
                add(
                    ItsmProcess,
                    (slug, process.name),
                    f"process area {pa.acronym} is of another constellation",
                )
    return defects


NO_NOT_APPLICABLE = (
    "no process area may be declared not applicable: an appraisal can only leave a PA out of scope"
)


def catalog_warnings(constellation: Constellation) -> list[str]:
    """What is sound but worth a look, one message each; never a reason to fail.

    A constellation where no PA may be declared not applicable is legal (CMMI allows it only
    where the model says so, e.g. SAM without suppliers), but usually a forgotten flag.
    """
    if not not_applicable_allowed(constellation):
        return [f"{entry(Constellation, constellation.slug)}: {NO_NOT_APPLICABLE}"]
    return []


def not_applicable_allowed(constellation: Constellation) -> list[str]:
    """The acronyms of the PAs that an appraisal may declare not applicable (DESIGN §3)."""
    return list(
        ProcessArea.objects.filter(constellation=constellation, may_be_not_applicable=True)
        .order_by("acronym")
        .values_list("acronym", flat=True)
    )


def catalog_counts(constellation: Constellation) -> dict[str, int]:
    """How many process areas, specific goals and specific practices the constellation has."""
    return {
        "process_areas": ProcessArea.objects.filter(constellation=constellation).count(),
        "goals": SpecificGoal.objects.filter(process_area__constellation=constellation).count(),
        "practices": SpecificPractice.objects.filter(
            goal__process_area__constellation=constellation
        ).count(),
    }
