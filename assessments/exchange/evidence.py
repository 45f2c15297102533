"""The `evidence` list of the exchange format (DESIGN §6): reading, writing and exporting it.

Old files that carry a characterization's `artifacts`/`affirmations` (one reference per line)
import those lines as library items linked to the cell, as the data migration did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simple_history.utils import bulk_create_with_history

from assessments.exchange.checks import _INVALID, _KEY, _path
from assessments.exchange.errors import (
    BAD_KEY,
    DUPLICATE_INSTANCE,
    DUPLICATE_OF,
    NOT_COVERED,
    UNDEFINED_INSTANCE,
)
from assessments.models import Appraisal, Instance, Organisation
from assessments.rating import code_sort_key
from evidence import services as evidence_services
from evidence.models import EvidenceItem, EvidenceLink
from evidence.text import items_from_lines

PII_ONLY_FOR_ARTIFACTS = "only an artifact link may say 'pii'"
FILE_NEEDS_BUNDLE = "a file travels in a ZIP bundle (import the bundle, not its JSON)"
TITLE_TWICE = "duplicate of {other}: the same {kind} title {title!r}"

# Optional item keys and the model fields they fill (docs/exchange.md).
TEXT_KEYS = {
    "description": "description",
    "uri": "uri",
    "version": "version",
    "owner": "owner",
    "roles": "roles_heard",
    "speaks_for": "speaks_for",
    "notes": "notes",
}


@dataclass
class EvidencePlan:
    key: str
    kind: str
    title: str
    fields: dict[str, Any]
    links: list[tuple[str, Any, Any, str]] = field(
        default_factory=list
    )  # instance, PA, practice, pii
    file: str = ""
    sha256: str = ""


def read_evidence(reader, top: dict, coverage: dict, *, bundle_files=None) -> list[EvidencePlan]:
    """Check the top-level `evidence` list; each problem names the item and the link.

    `bundle_files`, for a ZIP bundle, is the set of names under files/ (DESIGN §6); without it
    an item naming a file is an error.
    """
    plans: list[EvidencePlan] = []
    keys: dict[str, str] = {}
    titles: dict[tuple[str, str], str] = {}
    for path, entry in reader.items(top, "evidence", ""):
        entry = reader.fields(
            entry,
            path,
            required=("key", "kind", "title"),
            optional=("type", "date", "links", "file", "sha256", *TEXT_KEYS),
        )
        if entry is None:
            continue
        key = reader.string(entry, "key", path, blank=False, max_length=64)
        if key is not _INVALID and not _KEY.match(key):
            reader.error(_path(path, "key"), BAD_KEY.format(value=key))
            key = _INVALID
        if key is not _INVALID and key in keys:
            reader.error(path, DUPLICATE_INSTANCE.format(key=key))
            key = _INVALID
        kind = reader.choice(entry, "kind", path, EvidenceItem.Kind.values)
        title = reader.string(entry, "title", path, blank=False, max_length=300)
        types = (
            EvidenceItem.ArtifactKind.values
            if kind == EvidenceItem.Kind.ARTIFACT
            else EvidenceItem.AffirmationKind.values
        )
        type_ = reader.choice(entry, "type", path, types, default="")
        date = reader.date(entry, "date", path)
        texts = {
            name: reader.string(entry, name, path, default="", max_length=1000)
            for name in TEXT_KEYS
        }
        file_name, sha256 = _read_file(reader, entry, path, bundle_files)
        links = _read_links(reader, entry, path, coverage, kind)
        if key is not _INVALID:
            keys[key] = path
        if kind is not _INVALID and title is not _INVALID:
            identity = (kind, title.strip())
            if identity in titles:
                reader.error(
                    path, TITLE_TWICE.format(other=titles[identity], kind=kind, title=title)
                )
                continue
            titles[identity] = path
        if _INVALID in (key, kind, title, type_, date, file_name, links, *texts.values()):
            continue
        fields = {TEXT_KEYS[name]: text.strip() for name, text in texts.items()}
        fields["date"] = date
        fields["artifact_kind" if kind == EvidenceItem.Kind.ARTIFACT else "affirmation_kind"] = (
            type_
        )
        plans.append(EvidencePlan(key, kind, title.strip(), fields, links, file_name, sha256))
    return plans


def _read_file(reader, entry: dict, path: str, bundle_files) -> tuple[Any, str]:
    if "file" not in entry and "sha256" not in entry:
        return "", ""
    if bundle_files is None:
        reader.error(_path(path, "file"), FILE_NEEDS_BUNDLE)
        return _INVALID, ""
    return bundle_files.check(reader, entry, path)


def _read_links(reader, entry: dict, path: str, coverage: dict, kind) -> Any:
    links, seen, ok = [], {}, True
    for link_path, link in reader.items(entry, "links", path):
        link = reader.fields(
            link, link_path, required=("instance", "process_area", "practice"), optional=("pii",)
        )
        if link is None:
            ok = False
            continue
        key = reader.string(link, "instance", link_path)
        pa = reader.entry_pa(link, link_path)
        practice = reader.practice_ref(link, link_path, pa)
        pii = reader.choice(link, "pii", link_path, EvidenceLink.Pii.values, default="")
        if pii and pii is not _INVALID and kind == EvidenceItem.Kind.AFFIRMATION:
            reader.error(_path(link_path, "pii"), PII_ONLY_FOR_ARTIFACTS)
            pii = _INVALID
        if key is not _INVALID:
            if key not in coverage:
                reader.error(link_path, UNDEFINED_INSTANCE.format(key=key))
                key = _INVALID
            elif (
                pa is not _INVALID and coverage[key] is not None and pa.acronym not in coverage[key]
            ):
                reader.error(link_path, NOT_COVERED.format(key=key, acronym=pa.acronym))
                key = _INVALID
        if _INVALID in (key, pa, practice, pii):
            ok = False
            continue
        identity = (key, pa.acronym, practice.code)
        if identity in seen:
            reader.error(
                link_path, DUPLICATE_OF.format(other=seen[identity], what=" ".join(identity))
            )
            ok = False
            continue
        seen[identity] = link_path
        links.append((key, pa, practice, pii))
    return links if ok else _INVALID


def legacy_plans(rows: list[dict[str, Any]]) -> list[EvidencePlan]:
    """Old files: a characterization's `artifacts`/`affirmations` lines as items and links."""
    plans: dict[tuple[str, str], EvidencePlan] = {}
    for row in rows:
        for kind, name in (
            (EvidenceItem.Kind.ARTIFACT, "artifacts"),
            (EvidenceItem.Kind.AFFIRMATION, "affirmations"),
        ):
            for title, description in items_from_lines(row.get(name, "")):
                plan = plans.get((kind, title))
                if plan is None:
                    plan = plans[(kind, title)] = EvidencePlan(
                        "", kind, title, {"description": description}
                    )
                plan.links.append((row["instance"], row["process_area"], row["practice"], ""))
    return list(plans.values())


def write_evidence(
    plans: list[EvidencePlan],
    *,
    organisation: Organisation,
    appraisal: Appraisal,
    instances: dict[str, Instance],
    user,
    store_file=None,
) -> None:
    """Create or reuse the library items (same kind and title) and link them to their cells.

    `store_file(plan, item)`, for a bundle, saves the item's file.
    """
    links: list[EvidenceLink] = []
    seen: set[tuple] = set()
    for plan in plans:
        item, created = evidence_services.item_for_title(
            organisation=organisation, kind=plan.kind, title=plan.title, user=user, **plan.fields
        )
        if created and plan.file and store_file is not None:
            store_file(plan, item)
        for key, pa, practice, pii in plan.links:
            specific = practice if practice.code.startswith("SP") else None
            generic = None if specific else practice
            identity = (item.pk, key, pa.pk, practice.code)
            if identity in seen:
                continue
            seen.add(identity)
            links.append(
                EvidenceLink(
                    item=item,
                    appraisal=appraisal,
                    sampled_instance=instances[key],
                    process_area=pa,
                    specific_practice=specific,
                    generic_practice=generic,
                    pii=pii,
                    created_by=user,
                )
            )
    if links:
        bulk_create_with_history(links, EvidenceLink, batch_size=500, default_user=user)


def export_evidence(appraisal: Appraisal, keys: dict[int, str], *, files=None) -> list[dict]:
    """The items linked to the appraisal with their links, sorted by kind and title; keys are
    `e1`, `e2`, … in that order. `files(item)`, for a bundle, names the item's file there."""
    links = (
        EvidenceLink.objects.filter(appraisal=appraisal)
        .select_related(
            "item", "process_area", "specific_practice__goal", "generic_practice__generic_goal"
        )
        .order_by()
    )
    by_item: dict[int, tuple[EvidenceItem, list[EvidenceLink]]] = {}
    for link in links:
        by_item.setdefault(link.item_id, (link.item, []))[1].append(link)
    entries = []
    ordered = sorted(by_item.values(), key=lambda pair: (pair[0].kind, pair[0].title))
    for number, (item, item_links) in enumerate(ordered, start=1):
        entry: dict[str, Any] = {"key": f"e{number}", "kind": item.kind, "title": item.title}
        type_ = item.artifact_kind if item.is_artifact else item.affirmation_kind
        if type_:
            entry["type"] = type_
        for name, attr in TEXT_KEYS.items():
            if getattr(item, attr):
                entry[name] = getattr(item, attr)
        if item.date:
            entry["date"] = item.date.isoformat()
        if files is not None and item.file:
            entry["file"], entry["sha256"] = files(item)
        item_links.sort(
            key=lambda link: (
                keys[link.sampled_instance_id],
                link.process_area.acronym,
                code_sort_key(link.practice_code),
            )
        )
        entry["links"] = [
            {
                "instance": keys[link.sampled_instance_id],
                "process_area": link.process_area.acronym,
                "practice": link.practice_code,
                **({"pii": link.pii} if link.pii else {}),
            }
            for link in item_links
        ]
        entries.append(entry)
    return entries
