"""Writes of the improvement cycle: actions, their status, process change proposals and the next
appraisal. Views and commands go through these functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.engine_input import load_appraisal_state
from assessments.models import (
    Appraisal,
    Finding,
    Instance,
    Membership,
    Organisation,
    ScopeItem,
)
from improvement import rules
from improvement.models import (
    ActionTarget,
    AppraisalLineage,
    ChangeProposal,
    ImprovementAction,
)
from improvement.targets import ResolvedTarget
from models_catalog.models import GenericGoal, GenericPractice, SpecificGoal, SpecificPractice

OWNER_NOT_MEMBER = "The owner must be a member of {org}."
FINDING_NOT_HERE = "A finding of another organisation cannot be answered here."
BAD_MOVE = "An action cannot go from {old} to {new}."
DROP_NEEDS_REASON = "Say why the action is dropped."
PRIORITY_RANGE = "The priority must be between 1 (first) and 9 (last)."
PROPOSAL_DECIDED = "This proposal was already {status}."
DECLINE_NEEDS_REASON = "Say why the proposal is declined."
NOT_FINAL = "Only a final appraisal can be followed by the next one: lock {name} first."
SOURCE_NOT_HERE = "The source appraisal belongs to another organisation."


def _label(status: str) -> str:
    return ImprovementAction.Status(status).label.lower()


def blockers_of(appraisal: Appraisal | None) -> dict[str, tuple[str, ...]]:
    """{PA: goals} blocking the appraisal's next maturity level (DESIGN §4.7); rates it once."""
    if appraisal is None:
        return {}
    results = load_appraisal_state(appraisal).results
    return {b.process_area: tuple(b.goals) for b in results.blockers}


def _target_fields(target: ResolvedTarget) -> dict:
    goal, practice = target.goal, target.practice
    return {
        "process_area": target.process_area,
        "specific_goal": goal if isinstance(goal, SpecificGoal) else None,
        "generic_goal": goal if isinstance(goal, GenericGoal) else None,
        "specific_practice": practice if isinstance(practice, SpecificPractice) else None,
        "generic_practice": practice if isinstance(practice, GenericPractice) else None,
    }


def _check(
    *,
    organisation: Organisation,
    owner,
    findings: Iterable[Finding],
    priority_override: int | None,
    source_appraisal: Appraisal | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if (
        owner is not None
        and not Membership.objects.filter(organisation=organisation, user=owner).exists()
    ):
        errors["owner"] = [OWNER_NOT_MEMBER.format(org=organisation)]
    if any(f.appraisal.organisation_id != organisation.pk for f in findings):
        errors["findings"] = [FINDING_NOT_HERE]
    if priority_override is not None and not (
        rules.PRIORITY_HIGHEST <= priority_override <= rules.PRIORITY_LOWEST
    ):
        errors["priority_override"] = [PRIORITY_RANGE]
    if source_appraisal is not None and source_appraisal.organisation_id != organisation.pk:
        errors["source_appraisal"] = [SOURCE_NOT_HERE]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def action_save(
    *,
    organisation: Organisation,
    title: str,
    user,
    action: ImprovementAction | None = None,
    description: str = "",
    owner=None,
    due_date: datetime.date | None = None,
    targets: list[ResolvedTarget] | None = None,
    findings: list[Finding] | None = None,
    priority_override: int | None = None,
    source_appraisal: Appraisal | None = None,
    blockers: dict[str, tuple[str, ...]] | None = None,
) -> ImprovementAction:
    """Create an action (`action` None) or edit one: fields, targets, findings, priority.

    The default priority is recomputed from the targets and the blockers of the next maturity
    level of the source appraisal (`blockers`, else rated here with `blockers_of`): DESIGN §4.7.
    Everything is checked before anything is written.
    """
    findings = list(findings or [])
    targets = list(targets or [])
    if action is not None and source_appraisal is None:
        source_appraisal = action.source_appraisal
    _check(
        organisation=organisation,
        owner=owner,
        findings=findings,
        priority_override=priority_override,
        source_appraisal=source_appraisal,
    )
    if blockers is None:
        blockers = blockers_of(source_appraisal)
    action = action or ImprovementAction(organisation=organisation, created_by=user)
    action.title = title.strip()
    action.description = description.strip()
    action.owner = owner
    action.due_date = due_date
    action.priority_override = priority_override
    action.source_appraisal = source_appraisal
    action.default_priority = rules.default_priority([t.rule_target for t in targets], blockers)
    action._history_user = user
    action.full_clean()
    action.save()
    action.findings.set(findings)
    existing = {str(t): t for t in action.targets.select_related(*_TARGET_RELATED)}
    wanted = {str(t): t for t in targets}
    for key, row in existing.items():
        if key not in wanted:
            row._history_user = user
            row.delete()
    for key, target in wanted.items():
        if key not in existing:
            row = ActionTarget(action=action, **_target_fields(target))
            row._history_user = user
            row.full_clean()
            row.save()
    return action


_TARGET_RELATED = (
    "process_area",
    "specific_goal",
    "generic_goal",
    "specific_practice__goal",
    "generic_practice__generic_goal",
)


@transaction.atomic
def action_set_status(
    *, action: ImprovementAction, status: str, user, reason: str = ""
) -> ImprovementAction:
    """Move an action along its cycle (improvement.rules.TRANSITIONS); dropping needs a reason.

    The row is locked so two moves at once are serialised and the second is checked against the
    first one's result. Verified sets `closed_at` (the trend counts closed actions by it).
    """
    locked = ImprovementAction.objects.select_for_update().order_by().get(pk=action.pk)
    old = locked.status
    if not rules.can_move(old, status):
        raise ValidationError({"status": BAD_MOVE.format(old=_label(old), new=_label(status))})
    if status == rules.DROPPED and not reason.strip():
        raise ValidationError({"reason": DROP_NEEDS_REASON})
    locked.status = status
    locked.drop_reason = reason.strip() if status == rules.DROPPED else ""
    locked.closed_at = timezone.now() if status == rules.VERIFIED else None
    locked._history_user = user
    locked.full_clean()
    locked.save()
    action.status, action.drop_reason, action.closed_at = (
        locked.status,
        locked.drop_reason,
        locked.closed_at,
    )
    return action


def proposal_create(
    *, organisation: Organisation, title: str, text: str, target: ResolvedTarget, user
) -> ChangeProposal:
    """Any member proposes a change to the organisation's processes, against a PA or practice."""
    fields = _target_fields(target)
    proposal = ChangeProposal(
        organisation=organisation,
        title=title.strip(),
        text=text.strip(),
        process_area=fields["process_area"],
        specific_practice=fields["specific_practice"],
        generic_practice=fields["generic_practice"],
        proposed_by=user,
    )
    proposal._history_user = user
    proposal.full_clean()
    proposal.save()
    return proposal


def _lock_open_proposal(proposal: ChangeProposal) -> ChangeProposal:
    locked = ChangeProposal.objects.select_for_update().order_by().get(pk=proposal.pk)
    if locked.status != ChangeProposal.Status.OPEN:
        raise ValidationError(PROPOSAL_DECIDED.format(status=locked.get_status_display().lower()))
    return locked


@transaction.atomic
def proposal_accept(
    *, proposal: ChangeProposal, user, target: ResolvedTarget, owner=None, due_date=None
) -> ImprovementAction:
    """Triage a proposal into an action that addresses the same PA or practice."""
    locked = _lock_open_proposal(proposal)
    action = action_save(
        organisation=locked.organisation,
        title=locked.title,
        description=locked.text,
        owner=owner,
        due_date=due_date,
        targets=[target],
        user=user,
        blockers=blockers_of(latest_appraisal(locked.organisation)),
    )
    locked.status = ChangeProposal.Status.ACCEPTED
    locked.action = action
    locked.decided_by, locked.decided_at = user, timezone.now()
    locked._history_user = user
    locked.save()
    proposal.status, proposal.action = locked.status, action
    return action


@transaction.atomic
def proposal_decline(*, proposal: ChangeProposal, user, reason: str) -> ChangeProposal:
    if not reason.strip():
        raise ValidationError({"reason": DECLINE_NEEDS_REASON})
    locked = _lock_open_proposal(proposal)
    locked.status = ChangeProposal.Status.DECLINED
    locked.decline_reason = reason.strip()
    locked.decided_by, locked.decided_at = user, timezone.now()
    locked._history_user = user
    locked.full_clean()
    locked.save()
    return locked


def latest_appraisal(organisation: Organisation) -> Appraisal | None:
    return (
        Appraisal.objects.filter(organisation=organisation)
        .select_related("variant__constellation", "organisation")
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def appraisal_start_next(*, previous: Appraisal, name: str, user) -> Appraisal:
    """DESIGN §3 re-appraisal: a new appraisal of the same organisation copying the variant,
    representation, targets, method, evidence model, coverage policy, sponsor, unit and team, the
    scope decisions and the instances with their PAs; characterizations, judgments and findings
    start empty. Evidence links are not copied (the evidence library is a separate app).
    """
    previous = Appraisal.objects.select_for_update().get(pk=previous.pk)
    if not previous.is_final:
        raise ValidationError(NOT_FINAL.format(name=previous.name))
    appraisal = Appraisal(
        organisation=previous.organisation,
        name=name.strip(),
        variant=previous.variant,
        representation=previous.representation,
        target_maturity_level=previous.target_maturity_level,
        team=previous.team,
        method=previous.method,
        evidence_model=previous.evidence_model,
        coverage_policy=previous.coverage_policy,
        sponsor=previous.sponsor,
        organisational_unit=previous.organisational_unit,
    )
    appraisal._history_user = user
    appraisal.full_clean()
    appraisal.save()
    ScopeItem.objects.bulk_create(
        ScopeItem(
            appraisal=appraisal,
            process_area_id=item.process_area_id,
            applicability=item.applicability,
            justification=item.justification,
            target_capability_level=item.target_capability_level,
        )
        for item in previous.scope_items.order_by("pk")
    )
    for old in previous.instances.prefetch_related("process_areas").order_by("pk"):
        instance = Instance(appraisal=appraisal, key=old.key, name=old.name, kind=old.kind)
        instance._history_user = user
        instance.save()
        instance.process_areas.set(old.process_areas.all())
    AppraisalLineage.objects.create(appraisal=appraisal, previous=previous, created_by=user)
    return appraisal
