"""Reads of the catalog for pages, with a fixed number of queries each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from models_catalog.models import (
    Constellation,
    GenericGoal,
    GenericPractice,
    ItsmProcess,
    ModelVariant,
    ProcessArea,
    SpecificGoal,
    SpecificPractice,
)


def constellation_list() -> QuerySet[Constellation]:
    return Constellation.objects.annotate(
        pa_count=Count("process_areas", distinct=True),
        variant_count=Count("variants", distinct=True),
    ).prefetch_related("variants")


def process_areas_with_practices(
    *, constellation: Constellation, acronyms: list[str] | None = None
) -> list[ProcessArea]:
    """PAs with category, level, goals and practices loaded: four queries whatever the size."""
    qs = (
        ProcessArea.objects.filter(constellation=constellation)
        .select_related("category", "maturity_level")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=SpecificGoal.objects.prefetch_related(
                    Prefetch("practices", queryset=SpecificPractice.objects.order_by("number"))
                ).order_by("number"),
            )
        )
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
    """The variant's PAs (core plus its additions), each with only the goals the variant has."""
    pas = process_areas_with_practices(constellation=variant.constellation)
    result = []
    for pa in pas:
        if not variant.includes(pa.addition):
            continue
        pa.variant_goals = [g for g in pa.goals.all() if variant.includes(g.addition)]
        result.append(pa)
    return result


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
