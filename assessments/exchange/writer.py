"""`import_appraisal`: check a document with _Reader, then write it in one transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from assessments import services
from assessments.exchange import bulk
from assessments.exchange.errors import ExchangeError
from assessments.exchange.evidence import write_evidence
from assessments.exchange.reader import _Plan, _Reader
from assessments.models import (
    Appraisal,
    Characterization,
    Finding,
    GoalJudgment,
    Organisation,
    PracticeJudgment,
    ScopeItem,
)
from models_catalog.models import GenericGoal, GenericPractice, SpecificGoal, SpecificPractice

BATCH_SIZE = 500


def import_appraisal(
    data: dict[str, Any], *, organisation: Organisation | None = None, user=None, bundle=None
) -> Appraisal:
    """Create the appraisal a document describes, in `organisation` or the one the file names.

    Everything is checked first; any problem raises ExchangeError listing them all, before a
    single write. Writes go through the services (appraisal_create, scope_item_update,
    instance_save); characterizations, judgments and findings are bulk-created with their history
    rows, attributed to `user`. `bundle` (evidence.bundle.BundleFiles) supplies the items' files
    of a ZIP bundle.
    """
    plan = _Reader(organisation, bundle_files=bundle).read(data)
    try:
        with transaction.atomic(), _history_user(user):
            return _write(plan, organisation, user, bundle.store if bundle else None)
    except ValidationError as error:
        # Only a concurrent change (e.g. the same name taken meanwhile) gets here.
        raise ExchangeError([f"appraisal: {message}" for message in error.messages]) from None


@contextlib.contextmanager
def _history_user(user) -> Iterator[None]:
    """Attribute the history rows that services write to `user` outside a request (the CLI).

    Within a request, simple_history's middleware already names the requesting user.
    """
    context = HistoricalRecords.context
    if user is None or getattr(context, "request", None) is not None:
        yield
        return
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del context.request


def _organisation_for_name(name: str) -> Organisation:
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is not None:
        return organisation
    base = slugify(name)[:56] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    organisation = Organisation(name=name, slug=slug)
    organisation.full_clean()
    organisation.save()
    return organisation


def _practice_fields(practice: SpecificPractice | GenericPractice) -> dict[str, Any]:
    if isinstance(practice, SpecificPractice):
        return {"specific_practice": practice, "generic_practice": None}
    return {"specific_practice": None, "generic_practice": practice}


def _write_cells(plan: _Plan, appraisal: Appraisal, instances: dict, user) -> None:
    """The characterizations, by multi-row INSERTs with their history rows (`bulk`): the bulk of
    a large file, where building model instances cost more than the database."""
    columns = (
        "sampled_instance_id",
        "process_area_id",
        "specific_practice_id",
        "generic_practice_id",
        "value",
        "note",
    )
    rows = []
    for row in plan.characterizations:
        practice = row["practice"]
        specific = isinstance(practice, SpecificPractice)
        rows.append(
            (
                instances[row["instance"]].pk,
                row["process_area"].pk,
                practice.pk if specific else None,
                None if specific else practice.pk,
                row["value"],
                row["note"],
            )
        )
    bulk.create_with_history(
        Characterization,
        columns,
        rows,
        constants={
            "appraisal_id": appraisal.pk,
            "version": 1,
            "updated_by_id": user.pk if user is not None else None,
        },
        where={"appraisal": appraisal},
        user=user,
    )


def _write(plan: _Plan, organisation: Organisation | None, user, store_file=None) -> Appraisal:
    organisation = organisation or _organisation_for_name(plan.organisation_name)
    final = plan.status == Appraisal.Status.FINAL
    appraisal = services.appraisal_create(
        organisation=organisation,
        name=plan.name,
        variant=plan.variant,
        representation=plan.representation,
        target_maturity_level=plan.target_maturity_level,
        target_profile=plan.target_profile,
        start_date=plan.start_date,
        end_date=plan.end_date,
        team=plan.team,
        method=plan.method,
        evidence_model=plan.evidence_model,
        coverage_policy=plan.coverage_policy,
        sponsor=plan.sponsor,
        organisational_unit=plan.organisational_unit,
        # A final appraisal is locked: fill it first, lock it last.
        status=Appraisal.Status.PLANNING if final else plan.status,
        user=user,
    )
    items = {
        i.process_area.acronym: i for i in appraisal.scope_items.select_related("process_area")
    }
    declared = [
        (pa.acronym, ScopeItem.Applicability.OUT_OF_SCOPE, "") for pa in plan.out_of_scope
    ] + [(a, ScopeItem.Applicability.NOT_APPLICABLE, j) for a, j in plan.not_applicable.items()]
    for acronym, applicability, justification in declared:
        item = items[acronym]
        services.scope_item_update(
            item=item,
            applicability=applicability,
            justification=justification,
            target_capability_level=item.target_capability_level,
            user=user,
        )
    instances = {
        spec.key: services.instance_save(
            appraisal=appraisal,
            key=spec.key,
            name=spec.name,
            kind=spec.kind,
            process_areas=spec.process_areas,
            user=user,
        )
        for spec in plan.instances
    }
    _write_cells(plan, appraisal, instances, user)
    rows = {
        PracticeJudgment: [
            PracticeJudgment(
                appraisal=appraisal,
                process_area=row["process_area"],
                **_practice_fields(row["practice"]),
                value=row["value"],
                rationale=row["rationale"],
                decided_by=user,
            )
            for row in plan.practice_judgments
        ],
        GoalJudgment: [
            GoalJudgment(
                appraisal=appraisal,
                process_area=row["process_area"],
                specific_goal=row["goal"] if isinstance(row["goal"], SpecificGoal) else None,
                generic_goal=row["goal"] if isinstance(row["goal"], GenericGoal) else None,
                rating=row["rating"],
                rationale=row["rationale"],
                decided_by=user,
            )
            for row in plan.goal_judgments
        ],
        Finding: [
            Finding(
                appraisal=appraisal,
                process_area=row["process_area"],
                **(_practice_fields(row["practice"]) if row["practice"] else {}),
                specific_goal=row["goal"] if isinstance(row["goal"], SpecificGoal) else None,
                generic_goal=row["goal"] if isinstance(row["goal"], GenericGoal) else None,
                sampled_instance=instances[row["instance"]] if row["instance"] else None,
                kind=row["kind"],
                text=row["text"],
                validation=row["validation"],
                validation_note=row["validation_note"],
                author=user,
            )
            for row in plan.findings
        ],
    }
    for model, objects in rows.items():
        if objects:
            bulk_create_with_history(objects, model, batch_size=BATCH_SIZE, default_user=user)
    write_evidence(
        plan.evidence,
        organisation=organisation,
        appraisal=appraisal,
        instances=instances,
        user=user,
        store_file=store_file,
    )
    if final:
        appraisal.status = Appraisal.Status.FINAL
        appraisal._history_user = user
        appraisal.save(update_fields=["status", "updated_at"])
    return appraisal
