"""Writes to appraisals. Views, commands and the importer all go through these functions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from assessments import validators

# Findings have their own module; callers may keep using services.finding_create/_delete.
from assessments.finding_services import finding_create, finding_delete  # noqa: F401
from assessments.models import (
    Appraisal,
    Characterization,
    Finding,
    GoalJudgment,
    Instance,
    Membership,
    Organisation,
    PracticeJudgment,
    Role,
    ScopeItem,
    StatusChange,
)
from assessments.revision import begin_write
from assessments.revision import bump as revision_bump

# The set-up rules and their messages live in validators; callers may keep using services.X.
from assessments.validators import (  # noqa: F401
    CONTINUOUS_NEEDS_PROFILE,
    DATE_ORDER,
    NA_NEEDS_JUSTIFICATION,
    NA_NOT_ALLOWED,
    PA_NOT_IN_VARIANT,
    STAGED_NEEDS_TARGET,
    TARGET_CL_RANGE,
    not_applicable_refusal,
    validate_dates,
    validate_in_variant,
    validate_scope_item,
    validate_targets,
)
from models_catalog.catalog import variant_process_areas
from models_catalog.models import (
    GenericGoal,
    GenericPractice,
    ModelVariant,
    ProcessArea,
    SpecificGoal,
    SpecificPractice,
)

if TYPE_CHECKING:
    from assessments.selectors.grid import CellTarget

REOPEN_NEEDS_REASON = "Reopening a final appraisal needs a reason."
BAD_TRANSITION = "An appraisal cannot go from {old} to {new}."
PRACTICE_NOT_IN_PA = "{code} is not a practice of {acronym}."
INSTANCE_DOES_NOT_COVER = "{instance} does not cover {acronym}."
PRACTICE_NOT_REQUIRED = "{code} is not a practice that this appraisal rates in {acronym}."
LAST_ADMIN = "An organisation must keep at least one org admin."
FINDINGS_NOT_VALIDATED = (
    "{count} finding{s} still without a validation outcome: record the participants' feedback "
    "on the preliminary findings page before the appraisal becomes final."
)

# The order of work; `final` may go back to any earlier status when reopened with a reason.
STATUS_ORDER = [
    Appraisal.Status.PLANNING,
    Appraisal.Status.RATING,
    Appraisal.Status.REVIEW,
    Appraisal.Status.FINAL,
]


class Conflict(Exception):
    """A save based on a stale version; `current` is the row as it is now (None: withdrawn)."""

    def __init__(self, current):
        super().__init__("Someone else changed this rating meanwhile.")
        self.current = current


@transaction.atomic
def appraisal_create(
    *,
    organisation: Organisation,
    name: str,
    variant: ModelVariant,
    representation: str,
    target_maturity_level: int | None = None,
    target_profile: dict[str, int] | None = None,
    target_capability_level: int | None = None,
    start_date=None,
    end_date=None,
    team: str = "",
    status: str = Appraisal.Status.PLANNING,
    method: str = Appraisal.Method.A,
    evidence_model: str = Appraisal.EvidenceModel.V1_3,
    coverage_policy: str = Appraisal.CoveragePolicy.ADVISORY,
    sponsor: str = "",
    organisational_unit: str = "",
    user=None,
) -> Appraisal:
    """Create an appraisal and propose its scope: every PA of the variant, applicable.

    Staged appraisals then rate the PAs up to the target ML (DESIGN §4.0); continuous ones
    the PAs of `target_profile`, or every PA at `target_capability_level` when no profile is
    given (the form's starting target).
    """
    target_profile = dict(target_profile or {})
    pas = variant_process_areas(variant, goals=False)
    staged = representation == Appraisal.Representation.STAGED

    def targets() -> None:
        profile = target_profile
        if not staged and not profile:
            profile = validators.uniform_profile(
                variant=variant, level=target_capability_level, variant_pas=pas
            )
            target_profile.update(profile)
        validate_targets(
            variant=variant,
            representation=representation,
            target_maturity_level=target_maturity_level,
            target_profile=profile,
            variant_pas=pas,
        )

    validators.all_of(targets, lambda: validate_dates(start_date, end_date))
    appraisal = Appraisal(
        organisation=organisation,
        name=name,
        variant=variant,
        representation=representation,
        target_maturity_level=target_maturity_level if staged else None,
        start_date=start_date,
        end_date=end_date,
        team=team,
        status=status,
        method=method,
        evidence_model=evidence_model,
        coverage_policy=coverage_policy,
        sponsor=sponsor,
        organisational_unit=organisational_unit,
    )
    appraisal.full_clean()
    appraisal.save()
    ScopeItem.objects.bulk_create(
        ScopeItem(
            appraisal=appraisal,
            process_area=pa,
            target_capability_level=None if staged else target_profile.get(pa.acronym),
        )
        for pa in pas
    )
    return appraisal


@transaction.atomic
def appraisal_update(*, appraisal: Appraisal, user=None, **fields) -> Appraisal:
    """Edit name, dates, team, the staged target, the method, evidence model, coverage policy,
    sponsor and organisational unit."""
    begin_write(appraisal)
    for name, value in fields.items():
        setattr(appraisal, name, value)

    def target() -> None:
        if appraisal.representation == Appraisal.Representation.STAGED:
            validate_targets(
                variant=appraisal.variant,
                representation=appraisal.representation,
                target_maturity_level=appraisal.target_maturity_level,
                target_profile={},
                variant_pas=[],
            )

    validators.all_of(target, lambda: validate_dates(appraisal.start_date, appraisal.end_date))
    appraisal.full_clean()
    appraisal.save()
    return appraisal


@transaction.atomic
def scope_item_update(
    *,
    item: ScopeItem,
    applicability: str,
    justification: str = "",
    target_capability_level: int | None = None,
    user=None,
) -> ScopeItem:
    """Declare a PA applicable, not applicable (where the catalog allows it, with a
    justification) or out of scope, and set its continuous target."""
    begin_write(item.appraisal)
    validate_scope_item(
        process_area=item.process_area,
        constellation=item.appraisal.variant.constellation,
        applicability=applicability,
        justification=justification,
        target_capability_level=target_capability_level,
    )
    item.applicability = applicability
    item.justification = justification.strip()
    if item.appraisal.representation == Appraisal.Representation.CONTINUOUS:
        item.target_capability_level = target_capability_level
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def instance_save(
    *,
    appraisal: Appraisal,
    key: str,
    name: str,
    kind: str,
    process_areas: list[ProcessArea],
    instance: Instance | None = None,
    user=None,
) -> Instance:
    begin_write(appraisal)
    validate_in_variant(
        variant=appraisal.variant,
        process_areas=process_areas,
        variant_pas=variant_process_areas(appraisal.variant, goals=False),
        field="process_areas",
    )
    instance = instance or Instance(appraisal=appraisal)
    instance.key, instance.name, instance.kind = key, name, kind
    instance.full_clean()
    instance.save()
    instance.process_areas.set(process_areas)
    return instance


@transaction.atomic
def instance_delete(*, instance: Instance, user=None) -> None:
    begin_write(instance.appraisal)
    instance.delete()


def allowed_transitions(appraisal: Appraisal) -> list[str]:
    """Forward one step or back any number; from final only back (reopening)."""
    index = STATUS_ORDER.index(appraisal.status)
    forward = STATUS_ORDER[index + 1 : index + 2]
    return [s for s in STATUS_ORDER[:index]] + list(forward)


@transaction.atomic
def appraisal_set_status(*, appraisal: Appraisal, status: str, reason: str = "", user=None) -> None:
    old = appraisal.status
    if status not in allowed_transitions(appraisal):
        raise ValidationError({"status": BAD_TRANSITION.format(old=old, new=status)})
    if old == Appraisal.Status.FINAL and not reason.strip():
        raise ValidationError({"reason": REOPEN_NEEDS_REASON})
    if status == Appraisal.Status.FINAL:
        # SCAMPI's preliminary findings validation comes before the final findings. Lock the row
        # first so that a finding added meanwhile waits and is counted.
        Appraisal.objects.select_for_update().filter(pk=appraisal.pk).order_by("pk").first()
        count = appraisal.findings.filter(validation=Finding.Validation.PENDING).count()
        if count:
            raise ValidationError(
                FINDINGS_NOT_VALIDATED.format(count=count, s="" if count == 1 else "s"),
                code="findings_not_validated",
            )
    appraisal.status = status
    appraisal.save(update_fields=["status", "updated_at"])
    # Not begin_write: reopening changes a final appraisal. The revision still rises, so the
    # status change orders after every write that committed before it.
    revision_bump(appraisal)
    StatusChange.objects.create(
        appraisal=appraisal, from_status=old, to_status=status, reason=reason.strip(), user=user
    )


def _practice_fields(process_area: ProcessArea, practice) -> dict:
    if isinstance(practice, SpecificPractice):
        if practice.goal.process_area_id != process_area.pk:
            raise ValidationError(
                PRACTICE_NOT_IN_PA.format(code=practice.code, acronym=process_area.acronym)
            )
        return {"specific_practice": practice, "generic_practice": None}
    if isinstance(practice, GenericPractice):
        if practice.generic_goal.constellation_id != process_area.constellation_id:
            raise ValidationError(
                PRACTICE_NOT_IN_PA.format(code=practice.code, acronym=process_area.acronym)
            )
        return {"specific_practice": None, "generic_practice": practice}
    raise TypeError(f"not a practice: {practice!r}")


_CELL_KEYS = [f.name for f in Characterization._meta.concrete_fields if f.is_relation]


def characterization_set(
    *,
    appraisal: Appraisal,
    instance: Instance,
    process_area: ProcessArea,
    practice: SpecificPractice | GenericPractice,
    expected_version: int,
    user,
    value: str | None = None,
    note: str | None = None,
    checked: CellTarget | None = None,
) -> Characterization:
    """Save one cell of the rating grid; fields left None keep their current content.

    `expected_version` is the version the user's screen showed (0 for an empty cell): a save
    based on anything older raises Conflict with the current row instead of overwriting it.
    The appraisal's status is checked on its locked row, inside the save's transaction
    (`begin_write`), so a save racing with the move to final is refused rather than committed
    after it. The cell alone is validated, with a few indexed queries whatever the size of the
    appraisal: the instance covers the PA, the scope and targets require the practice.
    `checked`: the `grid.cell_target` of this very cell, read in this request. It made the same
    two checks (the same queries and `required_practices`), so they are not made again and its
    catalog is used; given for another cell, it is ignored. Both ways check before the save's
    transaction: a scope change committed in between is seen by neither (the engine then ignores
    the cell, as any cell of a practice no longer required).
    """
    from assessments.engine_input import load_catalog, required_practices

    if instance.appraisal_id != appraisal.pk:
        raise ValidationError("The instance belongs to another appraisal.")
    cell = (instance, process_area, practice)
    if checked and (checked.instance, checked.pa, checked.practice) != cell:
        checked = None  # a check of another cell proves nothing about this one
    if not checked and not instance.process_areas.filter(pk=process_area.pk).exists():
        raise ValidationError(
            INSTANCE_DOES_NOT_COVER.format(instance=instance, acronym=process_area.acronym)
        )
    catalog = checked.catalog if checked else load_catalog(appraisal.variant)
    code = catalog.code_in(process_area, practice)
    items = ScopeItem.objects.filter(appraisal=appraisal, process_area=process_area)
    scope = None if checked else items.first()
    scope_items = {process_area.acronym: scope} if scope else {}
    if not code or not (
        checked or code in required_practices(catalog, appraisal, scope_items, process_area.acronym)
    ):
        raise ValidationError(
            PRACTICE_NOT_REQUIRED.format(code=code or practice, acronym=process_area.acronym)
        )
    lookup = {
        "sampled_instance": instance,
        "process_area": process_area,
        **_practice_fields(process_area, practice),
    }
    try:
        with transaction.atomic():
            new_revision = begin_write(appraisal)
            # Lock the row so two saves of the same cell are serialised and compared.
            # order_by("pk"): the default ordering joins nullable FKs, which PostgreSQL
            # cannot lock (FOR UPDATE on the nullable side of an outer join).
            current = (
                Characterization.objects.select_for_update(of=("self",))
                .filter(**lookup)
                .order_by("pk")
                .first()
            )
            if current is None:
                if expected_version != 0:
                    raise ValidationError("This rating no longer exists; reload the page.")
                current = Characterization(appraisal=appraisal, version=0, **lookup)
            elif current.version != expected_version:
                raise Conflict(current)
            for field, new in (("value", value), ("note", note)):
                if new is not None:
                    setattr(current, field, new.strip() if field != "value" else new)
            current.version += 1
            current.revision = new_revision
            current.updated_by = user
            current._history_user = user
            # The database enforces the one-row-per-cell constraints: a concurrent first save
            # must end as a Conflict below, never as a message naming a constraint.
            # The foreign keys were checked above or come from locked rows: validate the value
            # and the note without a query per key.
            current.full_clean(exclude=_CELL_KEYS, validate_constraints=False)
            current.save()
            return current
    except IntegrityError:
        # Someone created the same cell between our read and our insert.
        raise Conflict(Characterization.objects.get(**lookup)) from None


JUDGMENT_GONE = "This judgment was withdrawn meanwhile; reload the page."


def _judgment_save(
    model, *, appraisal: Appraisal, lookup: dict, expected_version: int, user, **values
):
    """Create or change one judgment under optimistic versioning, as cells are saved.

    `expected_version` is the version the lead's screen showed (0 when there was none). The
    appraisal row is locked first (begin_write), so two saves of judgments of one appraisal are
    serialised: the second sees the first's row and its version, and raises Conflict.
    """
    try:
        with transaction.atomic():
            begin_write(appraisal)
            current = (
                model.objects.select_for_update(of=("self",))
                .filter(appraisal=appraisal, **lookup)
                .order_by("pk")
                .first()
            )
            if current is None:
                if expected_version != 0:
                    raise Conflict(None)
                current = model(appraisal=appraisal, version=0, **lookup)
            elif current.version != expected_version:
                raise Conflict(current)
            for field, value in values.items():
                setattr(current, field, value)
            current.version += 1
            current.decided_by = user
            current._history_user = user
            # Constraints are left to the database (and IntegrityError below): Django's own
            # check would answer a race with the internal constraint's name.
            # The foreign keys were checked above or come from locked rows: validate the value
            # and the note without a query per key.
            current.full_clean(exclude=_CELL_KEYS, validate_constraints=False)
            current.save()
            return current
    except IntegrityError:
        # Another first judgment of the same practice or goal won the insert (only possible
        # where the appraisal lock does not serialise, e.g. a database without row locks).
        raise Conflict(model.objects.filter(appraisal=appraisal, **lookup).first()) from None


def practice_judgment_set(
    *,
    appraisal: Appraisal,
    process_area: ProcessArea,
    practice: SpecificPractice | GenericPractice,
    value: str,
    rationale: str,
    user,
    expected_version: int,
) -> PracticeJudgment:
    """Record or change the LI/PI judgment of a practice range (DESIGN §4.1).

    Raises Conflict (with the current judgment, or None when it was withdrawn) when the lead's
    screen showed another version than the stored one.
    """
    lookup = {"process_area": process_area, **_practice_fields(process_area, practice)}
    return _judgment_save(
        PracticeJudgment,
        appraisal=appraisal,
        lookup=lookup,
        expected_version=expected_version,
        user=user,
        value=value,
        rationale=rationale.strip(),
    )


def goal_judgment_set(
    *,
    appraisal: Appraisal,
    process_area: ProcessArea,
    goal: SpecificGoal | GenericGoal,
    rating: str,
    rationale: str,
    user,
    expected_version: int,
) -> GoalJudgment:
    """Settle a goal under review (DESIGN §4.2); versioned like practice_judgment_set."""
    if isinstance(goal, SpecificGoal):
        fields = {"specific_goal": goal, "generic_goal": None}
    else:
        fields = {"specific_goal": None, "generic_goal": goal}
    return _judgment_save(
        GoalJudgment,
        appraisal=appraisal,
        lookup={"process_area": process_area, **fields},
        expected_version=expected_version,
        user=user,
        rating=rating,
        rationale=rationale.strip(),
    )


@transaction.atomic
def judgment_delete(*, judgment: PracticeJudgment | GoalJudgment, user) -> None:
    begin_write(judgment.appraisal)
    judgment._history_user = user
    judgment.delete()


ROLE_CHANGED_MEANWHILE = "Your role in {org} changed meanwhile: you are no longer an org admin."


def _lock_memberships(organisation: Organisation, actor) -> None:
    """Serialise every membership change of the organisation on its row.

    Without the lock two admins demoting or removing each other at the same moment both see
    the other as the remaining admin, and the organisation is left with none. Under the lock
    the actor's own role is checked again: a demotion that committed meanwhile counts.
    """
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if actor is not None and not actor.is_superuser:
        still_admin = organisation.memberships.filter(user=actor, role=Role.ORG_ADMIN).exists()
        if not still_admin:
            raise ValidationError(ROLE_CHANGED_MEANWHILE.format(org=organisation))


@transaction.atomic
def membership_set(*, organisation: Organisation, user, role: str, actor=None) -> Membership:
    """Add `user` to the organisation with `role`, or change their role.

    `actor` is the org admin acting (None for commands and the demo): it must still be one once
    the organisation's memberships are locked.
    """
    _lock_memberships(organisation, actor)
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        membership = Membership(organisation=organisation, user=user, role=role)
    elif membership.role == role:
        return membership
    else:
        _ensure_other_admin(organisation, membership, role)
        membership.role = role
    membership._history_user = actor
    membership.full_clean(validate_constraints=False)
    membership.save()
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership, actor=None) -> None:
    """Remove a member; refused for the organisation's last org admin (under the lock)."""
    organisation = membership.organisation
    _lock_memberships(organisation, actor)
    current = Membership.objects.filter(pk=membership.pk).first()
    if current is None:
        return
    _ensure_other_admin(organisation, current, None)
    current._history_user = actor
    current.delete()


def _ensure_other_admin(organisation: Organisation, membership: Membership, new_role) -> None:
    if membership.role == Role.ORG_ADMIN and new_role != Role.ORG_ADMIN:
        others = organisation.memberships.filter(role=Role.ORG_ADMIN).exclude(pk=membership.pk)
        if not others.exists():
            raise ValidationError(LAST_ADMIN)


@transaction.atomic
def member_add(
    *,
    organisation: Organisation,
    role: str,
    user=None,
    username: str = "",
    email: str = "",
    password: str = "",
    first_name: str = "",
    last_name: str = "",
    actor=None,
) -> Membership:
    """Add a member with `role`; without `user`, create the account `username` first.

    One transaction: a refused membership (the actor no longer an org admin) leaves no account
    behind. The form has checked the username and the password (MemberAddForm).
    """
    if user is None:
        user = get_user_model().objects.create_user(
            username=username,
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
    return membership_set(organisation=organisation, user=user, role=role, actor=actor)


@transaction.atomic
def characterizations_seed(
    *, appraisal: Appraisal, rows: list[Characterization], user
) -> list[Characterization]:
    """Create many new cells at once, with their history rows (the demo's bulk path).

    The rows must be new cells of `appraisal`; they share one revision, raised like any other
    write's (begin_write), so cached results and open grids see them.
    """
    revision = begin_write(appraisal)
    for row in rows:
        if row.appraisal_id != appraisal.pk or row.pk is not None:
            raise ValidationError("Only new cells of this appraisal can be seeded.")
        row.revision = revision
    return bulk_create_with_history(rows, Characterization, default_user=user)
