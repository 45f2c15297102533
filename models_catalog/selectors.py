"""Reads of the catalog for pages, with a fixed number of queries each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from models_catalog import catalog
from models_catalog.compare import GoalInput
from models_catalog.models import (
    Constellation,
    GenericGoal,
    GenericPractice,
    ItsmProcess,
    ModelVariant,
    ProcessArea,
    ProcessAreaCorrespondence,
    SpecificGoal,
    SpecificPractice,
)


def constellation_list() -> QuerySet[Constellation]:
    return Constellation.objects.annotate(
        pa_count=Count("process_areas", distinct=True),
        variant_count=Count("variants", distinct=True),
    ).prefetch_related(
        Prefetch("variants", queryset=ModelVariant.objects.select_related("constellation"))
    )


def _goals_and_practices() -> Prefetch:
    return Prefetch(
        "goals",
        queryset=SpecificGoal.objects.prefetch_related(
            Prefetch("practices", queryset=SpecificPractice.objects.order_by("number"))
        ).order_by("number"),
    )


def process_areas_with_practices(
    *, constellation: Constellation, acronyms: list[str] | None = None
) -> list[ProcessArea]:
    """PAs with category, level, goals and practices loaded: four queries whatever the size."""
    qs = (
        ProcessArea.objects.filter(constellation=constellation)
        .select_related("constellation", "category", "maturity_level")
        .prefetch_related(_goals_and_practices())
    )
    if acronyms is not None:
        qs = qs.filter(acronym__in=acronyms)
    return list(qs)


def generic_goals_with_practices(*, constellation: Constellation) -> list[GenericGoal]:
    return list(
        GenericGoal.objects.filter(constellation=constellation)
        .select_related("capability_level")
        .prefetch_related(
            Prefetch("practices", queryset=GenericPractice.objects.order_by("number"))
        )
    )


def variant_process_areas(*, variant: ModelVariant) -> list[ProcessArea]:
    """The variant's PAs (core plus its additions), each with only the goals the variant has:
    the catalog read model's list (models_catalog.catalog), three queries."""
    return catalog.variant_process_areas(variant)


@dataclass
class Grouping:
    title: str
    process_areas: list[ProcessArea]


def group_by_category(pas: list[ProcessArea]) -> list[Grouping]:
    groups: dict = defaultdict(list)
    for pa in pas:
        groups[pa.category].append(pa)
    return [
        Grouping(str(cat), sorted(items, key=lambda p: p.acronym))
        for cat, items in sorted(groups.items(), key=lambda kv: (kv[0].order, kv[0].name))
    ]


def group_by_maturity_level(pas: list[ProcessArea]) -> list[Grouping]:
    groups: dict = defaultdict(list)
    for pa in pas:
        groups[pa.maturity_level].append(pa)
    return [
        Grouping(str(ml), sorted(items, key=lambda p: p.acronym))
        for ml, items in sorted(groups.items(), key=lambda kv: kv[0].number)
    ]


def itsm_processes(*, constellation: Constellation) -> list[ItsmProcess]:
    return list(
        ItsmProcess.objects.filter(constellation=constellation).prefetch_related(
            Prefetch("process_areas", queryset=ProcessArea.objects.order_by("acronym"))
        )
    )


# -- comparing process areas across constellations ------------------------------------------------


@dataclass
class Counterpart:
    """A PA of another constellation that carries on the work of a PA, and why (a note or "")."""

    process_area: ProcessArea
    note: str = ""
    partial: bool = False  # only some content moved there: a "see also", not an alignment


def counterparts(pas: list[ProcessArea]) -> dict[int, list[Counterpart]]:
    """Each PA's counterparts (by pk): the same acronym in another constellation, or a
    ProcessAreaCorrespondence row in either direction. Two queries whatever the number of PAs.
    """
    if not pas:
        return {}
    ids = [pa.pk for pa in pas]
    found: dict[int, dict[int, Counterpart]] = {pa.pk: {} for pa in pas}
    same_acronym = ProcessArea.objects.filter(
        acronym__in={pa.acronym for pa in pas}
    ).select_related("constellation")
    by_acronym: dict[str, list[ProcessArea]] = defaultdict(list)
    for other in same_acronym:
        by_acronym[other.acronym].append(other)
    for pa in pas:
        for other in by_acronym[pa.acronym]:
            if other.constellation_id != pa.constellation_id:
                found[pa.pk][other.pk] = Counterpart(other)
    rows = ProcessAreaCorrespondence.objects.filter(
        Q(source__in=ids) | Q(target__in=ids)
    ).select_related("source__constellation", "target__constellation")
    for row in rows:
        for this, other in ((row.source, row.target), (row.target, row.source)):
            if this.pk in found:
                found[this.pk][other.pk] = Counterpart(other, row.note, row.partial)
    return {
        pk: sorted(
            others.values(),
            key=lambda c: (
                c.partial,
                c.process_area.constellation.name,
                c.process_area.constellation.version,
                c.process_area.acronym,
            ),
        )
        for pk, others in found.items()
    }


def process_area_pair(
    *, slug: str, acronym: str, other: str, other_acronym: str
) -> tuple[ProcessArea, ProcessArea] | None:
    """Two PAs, each with its constellation, category, level, goals and practices; None when
    either does not exist. Three queries.
    """
    pas = (
        ProcessArea.objects.filter(
            Q(constellation__slug=slug, acronym=acronym)
            | Q(constellation__slug=other, acronym=other_acronym)
        )
        .select_related("constellation", "category", "maturity_level")
        .prefetch_related(_goals_and_practices())
    )
    by_key = {(pa.constellation.slug, pa.acronym): pa for pa in pas}
    source, target = by_key.get((slug, acronym)), by_key.get((other, other_acronym))
    if source is None or target is None:
        return None
    return source, target


def goal_tree(pa: ProcessArea) -> list[GoalInput]:
    """A PA's goals and practices as models_catalog.compare takes them (loaded, no query)."""
    return [
        (goal.code, goal.title, [(sp.code, sp.title) for sp in goal.practices.all()])
        for goal in pa.goals.all()
    ]
