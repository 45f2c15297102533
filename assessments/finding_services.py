"""Writes to findings: record, narrow to a goal, a practice and an instance, validate, delete.

A finding is a strength or weakness on a PA, optionally narrowed to one of the goals the
appraisal rates for it (an SG of the PA or a GG its target requires), a practice of that goal
and an instance covering the PA (DESIGN §3, §6). The participants' feedback on the preliminary
findings is recorded per finding (SCAMPI's preliminary findings validation).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from assessments import rating
from assessments.engine_input import load_catalog, pa_requirements, scope_input
from assessments.models import Appraisal, Finding, Instance, ScopeItem
from assessments.revision import begin_write
from models_catalog.models import (
    GenericGoal,
    GenericPractice,
    ProcessArea,
    SpecificGoal,
    SpecificPractice,
)

GOAL_NOT_RATED_HERE = "{goal} is not a goal that this appraisal rates for {acronym}."
PRACTICE_NOT_IN_GOAL = "{code} is not a practice of {acronym} {goal}."
PRACTICE_NOT_RATED_HERE = "{code} is not a practice that this appraisal rates for {acronym}."
INSTANCE_NOT_COVERING = "{instance} does not cover {acronym}."
REVISION_NEEDS_TEXT = "A revised finding needs its new text."
REJECTION_NEEDS_REASON = "Say why the participants rejected the finding."
BAD_VALIDATION = "{value!r} is not a validation outcome."

Goal = SpecificGoal | GenericGoal
Practice = SpecificPractice | GenericPractice


def goals_and_practices(requirements: rating.PAResult) -> dict[str, tuple[str, ...]]:
    """The goals a finding on the PA may name, each with the practices rated under it, from
    what the scope and targets require of it (`engine_input.pa_requirements`): nothing here
    re-implements that rule. Empty when the PA is not rated (out of scope, not applicable).
    GG1 is listed with no practices: it is not rated by practices."""
    found: dict[str, list[str]] = {goal: [] for goal in requirements.required_goals}
    for code, practice in requirements.practices.items():
        found[practice.goal].append(code)
    return {goal: tuple(codes) for goal, codes in found.items()}


def _pa_requirements(appraisal: Appraisal, process_area: ProcessArea) -> dict[str, tuple]:
    """goals_and_practices() for a PA of a stored appraisal: the scope item's query, plus the
    catalog's unless this process has it. Empty for a PA the variant does not include."""
    catalog = load_catalog(appraisal.variant)
    acronym = process_area.acronym
    if catalog.process_areas.get(acronym) != process_area:
        return {}
    item = ScopeItem.objects.filter(appraisal=appraisal, process_area=process_area).first()
    scope = scope_input(appraisal, {acronym: item} if item else {})
    return goals_and_practices(pa_requirements(catalog, scope, acronym))


def check_narrowing(
    requirements: Mapping[str, tuple[str, ...]],
    *,
    acronym: str,
    goal: str | None,
    practice: str | None,
) -> dict[str, str]:
    """The problems of a finding's goal and practice codes, by field ({} when sound).

    Used by the service and the importer alike. A practice without a goal is fine: the finding
    is on that practice's goal.
    """
    problems: dict[str, str] = {}
    if goal and goal not in requirements:
        problems["goal"] = GOAL_NOT_RATED_HERE.format(goal=goal, acronym=acronym)
    elif goal and practice and practice not in requirements[goal]:
        problems["practice"] = PRACTICE_NOT_IN_GOAL.format(
            code=practice, acronym=acronym, goal=goal
        )
    elif practice and not any(practice in codes for codes in requirements.values()):
        problems["practice"] = PRACTICE_NOT_RATED_HERE.format(code=practice, acronym=acronym)
    return problems


def _goal_fields(goal: Goal | None) -> dict:
    if isinstance(goal, SpecificGoal):
        return {"specific_goal": goal, "generic_goal": None}
    return {"specific_goal": None, "generic_goal": goal}


def _practice_fields(practice: Practice | None) -> dict:
    if isinstance(practice, SpecificPractice):
        return {"specific_practice": practice, "generic_practice": None}
    return {"specific_practice": None, "generic_practice": practice}


def _check(
    appraisal: Appraisal,
    process_area: ProcessArea,
    goal: Goal | None,
    practice: Practice | None,
    instance: Instance | None,
) -> None:
    acronym = process_area.acronym
    if isinstance(goal, SpecificGoal):
        foreign = goal.process_area_id != process_area.pk
    else:
        foreign = goal is not None and goal.constellation_id != process_area.constellation_id
    if foreign:
        raise ValidationError({"goal": GOAL_NOT_RATED_HERE.format(goal=goal.code, acronym=acronym)})
    if isinstance(practice, SpecificPractice):
        foreign = practice.goal.process_area_id != process_area.pk
    else:
        foreign = (
            practice is not None
            and practice.generic_goal.constellation_id != process_area.constellation_id
        )
    if foreign:
        raise ValidationError(
            {"practice": PRACTICE_NOT_RATED_HERE.format(code=practice.code, acronym=acronym)}
        )
    if goal is not None or practice is not None:
        problems = check_narrowing(
            _pa_requirements(appraisal, process_area),
            acronym=acronym,
            goal=goal.code if goal else None,
            practice=practice.code if practice else None,
        )
        if problems:
            raise ValidationError(problems)
    if instance is not None and (
        instance.appraisal_id != appraisal.pk
        or not instance.process_areas.filter(pk=process_area.pk).exists()
    ):
        raise ValidationError(
            {"instance": INSTANCE_NOT_COVERING.format(instance=instance, acronym=acronym)}
        )


@transaction.atomic
def finding_create(
    *,
    appraisal: Appraisal,
    process_area: ProcessArea,
    kind: str,
    text: str,
    user,
    goal: Goal | None = None,
    practice: Practice | None = None,
    instance: Instance | None = None,
) -> Finding:
    """Record a strength or weakness, optionally narrowed to a goal the appraisal rates for the
    PA, a practice of that goal and an instance covering the PA. Raises ValidationError naming
    the field at fault; writes nothing then."""
    begin_write(appraisal)
    _check(appraisal, process_area, goal, practice, instance)
    finding = Finding(
        appraisal=appraisal,
        process_area=process_area,
        kind=kind,
        text=text.strip(),
        author=user,
        sampled_instance=instance,
        **_goal_fields(goal),
        **_practice_fields(practice),
    )
    finding._history_user = user
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_validate(
    *, finding: Finding, validation: str, note: str = "", text: str = "", user
) -> Finding:
    """Record the participants' feedback on a preliminary finding.

    `accepted`: the text stands. `revised`: `text` replaces it (the earlier text stays in the
    finding's history). `rejected`: `note` says why. `""` withdraws the outcome. The history row
    names `user`.
    """
    begin_write(finding.appraisal)
    if validation not in Finding.Validation.values:
        raise ValidationError({"validation": BAD_VALIDATION.format(value=validation)})
    note, text = note.strip(), text.strip()
    if validation == Finding.Validation.REVISED:
        if not text:
            raise ValidationError({"text": REVISION_NEEDS_TEXT})
        finding.text = text
    if validation == Finding.Validation.REJECTED and not note:
        raise ValidationError({"validation_note": REJECTION_NEEDS_REASON})
    finding.validation = validation
    finding.validation_note = note
    finding._history_user = user
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding, user) -> None:
    begin_write(finding.appraisal)
    finding._history_user = user
    finding.delete()
