"""`export_appraisal`: an appraisal as an exchange document; `dumps` writes it as text."""

from __future__ import annotations

import json
from typing import Any

from assessments.exchange.errors import FORMAT
from assessments.exchange.evidence import export_evidence
from assessments.models import Appraisal, Finding, Instance, ScopeItem
from assessments.rating import code_sort_key


def export_appraisal(appraisal: Appraisal, *, files=None) -> dict[str, Any]:
    """The appraisal as an exchange document (DESIGN §6), every list in a sorted order.

    Nine queries whatever the size of the appraisal. `files(item)`, for a ZIP bundle, names an
    item's file in the bundle and its hash. Extension keys (docs/exchange.md) are
    written only when they carry something, so an appraisal that uses none of them exports a
    plain §6 document. Cells with neither a value nor any text are left out.
    """
    appraisal = Appraisal.objects.select_related("organisation", "variant__constellation").get(
        pk=appraisal.pk
    )
    staged = appraisal.representation == Appraisal.Representation.STAGED
    items = sorted(
        appraisal.scope_items.select_related("process_area"), key=lambda i: i.process_area.acronym
    )
    header: dict[str, Any] = {
        "name": appraisal.name,
        "constellation": appraisal.variant.constellation.slug,
        "additions": sorted(appraisal.variant.additions),
        "representation": appraisal.representation,
        "target_maturity_level": appraisal.target_maturity_level if staged else None,
        "target_profile": {}
        if staged
        else {
            i.process_area.acronym: i.target_capability_level
            for i in items
            if i.target_capability_level is not None
        },
        "out_of_scope": [
            i.process_area.acronym
            for i in items
            if i.applicability == ScopeItem.Applicability.OUT_OF_SCOPE
        ],
        "not_applicable": {
            i.process_area.acronym: i.justification
            for i in items
            if i.applicability == ScopeItem.Applicability.NOT_APPLICABLE
        },
        "status": appraisal.status,
        "method": appraisal.method,
        "evidence_model": appraisal.evidence_model,
        "coverage": appraisal.coverage_policy,
    }
    if appraisal.start_date:
        header["start_date"] = appraisal.start_date.isoformat()
    if appraisal.end_date:
        header["end_date"] = appraisal.end_date.isoformat()
    if appraisal.team:
        header["team"] = appraisal.team
    if appraisal.sponsor:
        header["sponsor"] = appraisal.sponsor
    if appraisal.organisational_unit:
        header["organisational_unit"] = appraisal.organisational_unit

    instances = sorted(appraisal.instances.prefetch_related("process_areas"), key=lambda i: i.key)
    keys = {instance.pk: instance.key for instance in instances}
    document = {
        "format": FORMAT,
        "organisation": appraisal.organisation.name,
        "appraisal": header,
        "instances": [_export_instance(instance) for instance in instances],
        "characterizations": _export_characterizations(appraisal, keys),
        "judgments": {
            "practices": [
                {
                    "process_area": j.process_area.acronym,
                    "practice": j.practice_code,
                    "value": j.value,
                    "rationale": j.rationale,
                }
                for j in sorted(
                    _with_practices(appraisal.practice_judgments.all()), key=_practice_order
                )
            ],
            "goals": [
                {
                    "process_area": j.process_area.acronym,
                    "goal": j.goal_code,
                    "rating": j.rating,
                    "rationale": j.rationale,
                }
                for j in sorted(
                    appraisal.goal_judgments.select_related(
                        "process_area", "specific_goal", "generic_goal"
                    ),
                    key=lambda j: (j.process_area.acronym, code_sort_key(j.goal_code)),
                )
            ],
        },
        "findings": [
            _export_finding(finding, keys)
            for finding in sorted(
                _with_practices(appraisal.findings.all()).select_related(
                    "specific_goal", "generic_goal"
                ),
                key=lambda f: (
                    f.process_area.acronym,
                    f.practice is not None,
                    code_sort_key(f.practice_code) if f.practice else (),
                    f.kind,
                    f.text,
                ),
            )
        ],
    }
    evidence = export_evidence(appraisal, keys, files=files)
    if evidence:
        document["evidence"] = evidence
    return document


def dumps(document: dict[str, Any]) -> str:
    """The document as the commands and the download write it: UTF-8 JSON, indented by 2."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _with_practices(queryset):
    return queryset.select_related(
        "process_area", "specific_practice__goal", "generic_practice__generic_goal"
    )


def _practice_order(row) -> tuple:
    return (row.process_area.acronym, code_sort_key(row.practice_code))


def _export_instance(instance: Instance) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": instance.key, "name": instance.name}
    if instance.kind != Instance.Kind.SERVICE:
        entry["kind"] = instance.kind
    entry["process_areas"] = sorted(pa.acronym for pa in instance.process_areas.all())
    return entry


def _export_characterizations(appraisal: Appraisal, keys: dict[int, str]) -> list[dict]:
    rows = [c for c in _with_practices(appraisal.characterizations.all()) if c.value or c.note]
    rows.sort(key=lambda c: (keys[c.sampled_instance_id], *_practice_order(c)))
    entries = []
    for c in rows:
        entry = {
            "instance": keys[c.sampled_instance_id],
            "process_area": c.process_area.acronym,
            "practice": c.practice_code,
            "value": c.value or None,
            "note": c.note,
        }
        entries.append(entry)
    return entries


def _export_finding(finding: Finding, keys: dict[int, str]) -> dict[str, Any]:
    entry = {"process_area": finding.process_area.acronym}
    goal = finding.specific_goal or finding.generic_goal
    if goal is not None:
        entry["goal"] = goal.code
    if finding.practice is not None:
        entry["practice"] = finding.practice_code
    if finding.sampled_instance_id:
        entry["instance"] = keys[finding.sampled_instance_id]
    entry.update(kind=finding.kind, text=finding.text)
    if finding.validation:
        entry["validation"] = finding.validation
    if finding.validation_note:
        entry["validation_note"] = finding.validation_note
    return entry
