"""Reads of the evidence library for its pages, the cell panel and the grid."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from assessments.models import Appraisal, Instance, Organisation
from evidence.models import EvidenceItem, EvidenceLink

PAGE_SIZE = 100
_PRACTICE = re.compile(r"(SP|GP) (\d+)\.(\d+)")


@dataclass
class LibraryFilter:
    """The library page's search and filters; empty values filter nothing."""

    q: str = ""
    kind: str = ""
    appraisal: Appraisal | None = None
    process_area: str = ""
    practice: str = ""
    instance: Instance | None = None
    unlinked: bool = False


def _link_filter(filters: LibraryFilter) -> Q | None:
    """The links an item must have one of to pass the cell filters (one link meets them all)."""
    q = Q()
    if filters.appraisal is not None:
        q &= Q(appraisal=filters.appraisal)
    if filters.instance is not None:
        q &= Q(sampled_instance=filters.instance)
    if filters.process_area:
        q &= Q(process_area__acronym=filters.process_area)
    match = _PRACTICE.fullmatch(filters.practice)
    if match:
        kind, goal, number = match.group(1), int(match.group(2)), int(match.group(3))
        if kind == "GP":
            q &= Q(generic_practice__generic_goal__number=goal, generic_practice__number=number)
        else:
            q &= Q(specific_practice__goal__number=goal, specific_practice__number=number)
    return q if q.children else None


def library(organisation: Organisation, filters: LibraryFilter) -> QuerySet[EvidenceItem]:
    """The organisation's items matching the filters, with `link_count`; two queries to list."""
    items = EvidenceItem.objects.filter(organisation=organisation)
    if filters.q:
        words = filters.q.split()
        for word in words:
            items = items.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(uri__icontains=word)
                | Q(owner__icontains=word)
                | Q(file_name__icontains=word)
            )
    if filters.kind:
        items = items.filter(kind=filters.kind)
    link_filter = _link_filter(filters)
    if link_filter is not None:
        linked = EvidenceLink.objects.filter(link_filter).values("item_id")
        items = items.filter(pk__in=linked)
    items = items.annotate(link_count=Count("links"))
    if filters.unlinked:
        items = items.filter(link_count=0)
    return items.select_related("organisation").order_by("title", "id")


def item_links(item: EvidenceItem) -> list[EvidenceLink]:
    """Where an item is linked: appraisal, instance, PA and practice, in reading order."""
    return list(
        item.links.select_related(
            "appraisal",
            "sampled_instance",
            "process_area",
            "specific_practice__goal",
            "generic_practice__generic_goal",
        ).order_by("appraisal__name", "process_area__acronym", "sampled_instance__name", "id")
    )


def cell_links(appraisal: Appraisal, instance: Instance, process_area, practice) -> list:
    """The links of one cell with their items."""
    field = "specific_practice" if practice.code.startswith("SP") else "generic_practice"
    return list(
        EvidenceLink.objects.filter(
            appraisal=appraisal,
            sampled_instance=instance,
            process_area=process_area,
            **{field: practice},
        )
        .select_related("item__organisation")
        .order_by("item__kind", "item__title")
    )


def search_for_cell(
    organisation: Organisation, q: str, exclude: set[int], limit: int = 10
) -> list[EvidenceItem]:
    """Library items matching `q` for the cell panel, leaving out the ones already linked."""
    items = (
        EvidenceItem.objects.filter(organisation=organisation)
        .exclude(pk__in=exclude)
        .select_related("organisation")
    )
    for word in q.split():
        items = items.filter(Q(title__icontains=word) | Q(uri__icontains=word))
    return list(items.order_by("title", "id")[:limit])


def cell_counts(appraisal: Appraisal, process_area) -> Counter:
    """(instance pk, SP pk or None, GP pk or None) -> number of links, for one PA's grid."""
    rows = (
        EvidenceLink.objects.filter(appraisal=appraisal, process_area=process_area)
        .order_by()
        .values_list("sampled_instance_id", "specific_practice_id", "generic_practice_id")
    )
    return Counter(rows)


def cell_titles(appraisal: Appraisal) -> dict[tuple[int, str, str], dict[str, list[str]]]:
    """(instance pk, acronym, practice code) -> {"artifact": [titles], "affirmation": [titles]}:
    the evidence of every cell of the appraisal, in one query."""
    rows = (
        EvidenceLink.objects.filter(appraisal=appraisal)
        .order_by("item__title")
        .values_list(
            "sampled_instance_id",
            "process_area__acronym",
            "specific_practice__goal__number",
            "specific_practice__number",
            "generic_practice__generic_goal__number",
            "generic_practice__number",
            "item__kind",
            "item__title",
        )
    )
    result: dict[tuple[int, str, str], dict[str, list[str]]] = {}
    for instance_id, acronym, sg, sp, gg, gp, kind, title in rows:
        code = f"SP {sg}.{sp}" if sp is not None else f"GP {gg}.{gp}"
        cell = result.setdefault((instance_id, acronym, code), {"artifact": [], "affirmation": []})
        cell[kind].append(title)
    return result


@dataclass
class IndexEntry:
    item: EvidenceItem
    where: list[str]  # "REQM SP 1.1 · Service desk (direct)"


def evidence_index(appraisal: Appraisal) -> list[IndexEntry]:
    """The report's evidence index: every item linked to the appraisal, by kind and title, with
    the cells it is linked to; one query."""
    from assessments.rating import code_sort_key

    links = (
        EvidenceLink.objects.filter(appraisal=appraisal)
        .select_related(
            "item",
            "sampled_instance",
            "process_area",
            "specific_practice__goal",
            "generic_practice__generic_goal",
        )
        .order_by()
    )
    by_item: dict[int, tuple[EvidenceItem, list]] = {}
    for link in links:
        by_item.setdefault(link.item_id, (link.item, []))[1].append(link)
    entries = []
    for item, item_links in sorted(by_item.values(), key=lambda p: (p[0].kind, p[0].title)):
        item_links.sort(
            key=lambda lk: (
                lk.process_area.acronym,
                code_sort_key(lk.practice_code),
                lk.sampled_instance.name,
            )
        )
        where = [
            f"{lk.process_area.acronym} {lk.practice_code} · {lk.sampled_instance.name}"
            + (f" ({lk.pii})" if lk.pii else "")
            for lk in item_links
        ]
        entries.append(IndexEntry(item, where))
    return entries
