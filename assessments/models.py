"""Appraisals of an organisation's processes against a model variant (DESIGN §3).

Ratings are never computed here: `assessments.rating` does that from plain data.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessments import limits
from assessments.limits import TextLimit
from models_catalog.models import (
    GenericGoal,
    GenericPractice,
    ModelVariant,
    ProcessArea,
    SpecificGoal,
    SpecificPractice,
)


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessments:organisation", kwargs={"org": self.slug})


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    TEAM_MEMBER = "team_member", "Team member"
    LEAD_APPRAISER = "lead_appraiser", "Lead appraiser"
    ORG_ADMIN = "org_admin", "Org admin"


# Each role can do everything the roles before it can (DESIGN §3).
ROLE_RANK = {role: rank for rank, role in enumerate(Role)}


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="assessments_membership_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="assessments_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.get_role_display()})"

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


class AppraisalMethod(models.TextChoices):
    A = "A", "SCAMPI A style (indicative levels)"
    B = "B", "SCAMPI B style (no levels)"
    C = "C", "SCAMPI C style (no levels)"


class AppraisalEvidenceModel(models.TextChoices):
    V1_2 = "v1.2", "v1.2: direct and indirect artifacts, affirmations"
    V1_3 = "v1.3", "v1.3: artifacts and affirmations"


class AppraisalCoveragePolicy(models.TextChoices):
    OFF = "off", "Off"
    ADVISORY = "advisory", "Advisory: shown, never blocks"
    ENFORCED = "enforced", "Enforced: uncovered cells keep goals not rated"


class AppraisalRepresentation(models.TextChoices):
    STAGED = "staged", "Staged"
    CONTINUOUS = "continuous", "Continuous"


class AppraisalStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    RATING = "rating", "Rating"
    REVIEW = "review", "Review"
    FINAL = "final", "Final"


class Appraisal(models.Model):
    Method = AppraisalMethod
    EvidenceModel = AppraisalEvidenceModel
    CoveragePolicy = AppraisalCoveragePolicy
    Representation = AppraisalRepresentation
    Status = AppraisalStatus

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="appraisals"
    )
    name = models.CharField(max_length=200)
    variant = models.ForeignKey(ModelVariant, on_delete=models.PROTECT, related_name="appraisals")
    representation = models.CharField(max_length=16, choices=Representation.choices)
    target_maturity_level = models.PositiveSmallIntegerField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    team = models.TextField(
        blank=True,
        help_text="The appraisal team, one person per line.",
        validators=[TextLimit(limits.TEAM_MAX)],
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNING)
    method = models.CharField(max_length=1, choices=Method.choices, default=Method.A)
    evidence_model = models.CharField(
        max_length=8, choices=EvidenceModel.choices, default=EvidenceModel.V1_3
    )
    coverage_policy = models.CharField(
        max_length=16, choices=CoveragePolicy.choices, default=CoveragePolicy.ADVISORY
    )
    sponsor = models.CharField(max_length=200, blank=True)
    organisational_unit = models.CharField(max_length=200, blank=True)
    # Raised by every write to the appraisal, in the write's own transaction: cached results
    # and the live grid key on it.
    revision = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "revision"])

    class Meta:
        ordering = ["organisation", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="assessments_appraisal_unique_name"
            ),
            models.CheckConstraint(
                condition=models.Q(representation__in=AppraisalRepresentation.values),
                name="assessments_appraisal_representation_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AppraisalStatus.values),
                name="assessments_appraisal_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=AppraisalMethod.values),
                name="assessments_appraisal_method_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(evidence_model__in=AppraisalEvidenceModel.values),
                name="assessments_appraisal_evidence_model_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(coverage_policy__in=AppraisalCoveragePolicy.values),
                name="assessments_appraisal_coverage_policy_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="assessments_appraisal_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(representation="continuous")
                | models.Q(target_maturity_level__gte=2, target_maturity_level__lte=5),
                name="assessments_appraisal_staged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:appraisal", kwargs={"code": self.code})

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    @property
    def constellation(self):
        return self.variant.constellation

    @property
    def shows_levels(self) -> bool:
        """Method A derives (indicative) levels; methods B and C show none (DESIGN §3 Method)."""
        return self.method == self.Method.A


class StatusChange(models.Model):
    """A move of an appraisal between statuses; reopening a final one must give a reason."""

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=16, choices=Appraisal.Status.choices)
    to_status = models.CharField(max_length=16, choices=Appraisal.Status.choices)
    reason = models.TextField(blank=True, validators=[TextLimit(limits.RATIONALE_MAX)])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appraisal", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.appraisal}: {self.from_status} → {self.to_status}"


class ScopeItemApplicability(models.TextChoices):
    APPLICABLE = "applicable", "Applicable"
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"


class ScopeItem(models.Model):
    """A PA of the appraisal's variant: its declared applicability and, continuous, its target."""

    Applicability = ScopeItemApplicability

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="scope_items")
    process_area = models.ForeignKey(ProcessArea, on_delete=models.PROTECT, related_name="+")
    applicability = models.CharField(
        max_length=16, choices=Applicability.choices, default=Applicability.APPLICABLE
    )
    justification = models.TextField(blank=True, validators=[TextLimit(limits.RATIONALE_MAX)])
    # Continuous representation only: the PA's target capability level; null leaves it out.
    target_capability_level = models.PositiveSmallIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["appraisal", "process_area__acronym"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "process_area"], name="assessments_scopeitem_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(applicability__in=ScopeItemApplicability.values),
                name="assessments_scopeitem_applicability_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(applicability="not_applicable", justification=""),
                name="assessments_scopeitem_na_has_justification",
            ),
            models.CheckConstraint(
                condition=models.Q(target_capability_level__isnull=True)
                | models.Q(target_capability_level__gte=1, target_capability_level__lte=5),
                name="assessments_scopeitem_target_cl_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal}: {self.process_area.acronym} {self.get_applicability_display()}"


class InstanceKind(models.TextChoices):
    SERVICE = "service", "Service"
    PROJECT = "project", "Project"
    TEAM = "team", "Team"


class Instance(models.Model):
    """A sampled service, project or team; it covers some or all PAs in scope."""

    Kind = InstanceKind

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="instances")
    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SERVICE)
    process_areas = models.ManyToManyField(ProcessArea, related_name="+", blank=True)

    history = HistoricalRecords(m2m_fields=[process_areas])

    class Meta:
        ordering = ["appraisal", "name", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "key"], name="assessments_instance_unique_key"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=InstanceKind.values),
                name="assessments_instance_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PracticeRef(models.Model):
    """A practice of a PA: a specific practice, or a generic practice applied to that PA."""

    process_area = models.ForeignKey(ProcessArea, on_delete=models.PROTECT, related_name="+")
    specific_practice = models.ForeignKey(
        SpecificPractice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generic_practice = models.ForeignKey(
        GenericPractice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    @classmethod
    def exactly_one_practice(cls, name: str, *, optional: bool = False) -> models.CheckConstraint:
        sp_only = models.Q(specific_practice__isnull=False, generic_practice__isnull=True)
        gp_only = models.Q(specific_practice__isnull=True, generic_practice__isnull=False)
        condition = sp_only | gp_only
        if optional:
            condition |= models.Q(specific_practice__isnull=True, generic_practice__isnull=True)
        return models.CheckConstraint(condition=condition, name=name)

    @property
    def practice(self) -> SpecificPractice | GenericPractice | None:
        return self.specific_practice or self.generic_practice

    @property
    def practice_code(self) -> str:
        practice = self.practice
        return practice.code if practice else ""


class Value(models.TextChoices):
    FULLY_IMPLEMENTED = "FI", "Fully implemented"
    LARGELY_IMPLEMENTED = "LI", "Largely implemented"
    PARTIALLY_IMPLEMENTED = "PI", "Partially implemented"
    NOT_IMPLEMENTED = "NI", "Not implemented"
    NOT_YET = "NY", "Not yet"


class Characterization(PracticeRef):
    """Instance × PA × practice → FI/LI/PI/NI/NY, with its note; its evidence is linked from
    the organisation's library (`evidence.EvidenceLink`).

    `version` grows with every save; a save based on an older version is a conflict.
    An empty `value` is an unrated cell that may already carry notes.
    """

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="characterizations"
    )
    # Not named `instance`: django-simple-history reserves that name on historical rows.
    sampled_instance = models.ForeignKey(
        Instance, on_delete=models.CASCADE, related_name="characterizations"
    )
    value = models.CharField(max_length=2, choices=Value.choices, blank=True)
    note = models.TextField(blank=True, validators=[TextLimit(limits.NOTE_MAX)])
    version = models.PositiveIntegerField(default=1)
    # The appraisal's revision this cell was last saved at: "what changed since revision N"
    # for the live grid is one indexed range query.
    revision = models.PositiveBigIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["appraisal", "revision"], name="assessments_char_revision_idx"),
            # The grid of one PA reads that PA's cells of the appraisal, and nothing else.
            models.Index(fields=["appraisal", "process_area"], name="assessments_char_pa_idx"),
        ]
        ordering = [
            "appraisal",
            "sampled_instance",
            "process_area",
            "specific_practice",
            "generic_practice",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sampled_instance", "process_area", "specific_practice"],
                condition=models.Q(specific_practice__isnull=False),
                name="assessments_characterization_unique_sp",
            ),
            models.UniqueConstraint(
                fields=["sampled_instance", "process_area", "generic_practice"],
                condition=models.Q(generic_practice__isnull=False),
                name="assessments_characterization_unique_gp",
            ),
            PracticeRef.exactly_one_practice("assessments_characterization_one_practice"),
            models.CheckConstraint(
                condition=models.Q(value__in=["", *Value.values]),
                name="assessments_characterization_value_valid",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.sampled_instance} {self.process_area.acronym} {self.practice_code}"
        return f"{where}: {self.value or '—'}"


class PracticeJudgmentChoice(models.TextChoices):
    LI = "LI", "Largely implemented"
    PI = "PI", "Partially implemented"


class PracticeJudgment(PracticeRef):
    """The team's choice of LI or PI where the instances disagree (DESIGN §4.1)."""

    Choice = PracticeJudgmentChoice

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="practice_judgments"
    )
    value = models.CharField(max_length=2, choices=Choice.choices)
    rationale = models.TextField(validators=[TextLimit(limits.RATIONALE_MAX)])
    # Optimistic versioning, as for cells: a save based on an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["appraisal", "process_area", "specific_practice", "generic_practice"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "process_area", "specific_practice"],
                condition=models.Q(specific_practice__isnull=False),
                name="assessments_practicejudgment_unique_sp",
            ),
            models.UniqueConstraint(
                fields=["appraisal", "process_area", "generic_practice"],
                condition=models.Q(generic_practice__isnull=False),
                name="assessments_practicejudgment_unique_gp",
            ),
            PracticeRef.exactly_one_practice("assessments_practicejudgment_one_practice"),
            models.CheckConstraint(
                condition=models.Q(value__in=PracticeJudgmentChoice.values),
                name="assessments_practicejudgment_value_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process_area.acronym} {self.practice_code} judged {self.value}"


class GoalJudgmentRating(models.TextChoices):
    SATISFIED = "satisfied", "Satisfied"
    UNSATISFIED = "unsatisfied", "Unsatisfied"


class GoalJudgment(models.Model):
    """The team's decision on a satisfied goal with LI practices (DESIGN §4.2)."""

    Rating = GoalJudgmentRating

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="goal_judgments"
    )
    process_area = models.ForeignKey(ProcessArea, on_delete=models.PROTECT, related_name="+")
    specific_goal = models.ForeignKey(
        SpecificGoal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generic_goal = models.ForeignKey(
        GenericGoal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rating = models.CharField(max_length=16, choices=Rating.choices)
    rationale = models.TextField(validators=[TextLimit(limits.RATIONALE_MAX)])
    # Optimistic versioning, as for cells: a save based on an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["appraisal", "process_area", "specific_goal", "generic_goal"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "process_area", "specific_goal"],
                condition=models.Q(specific_goal__isnull=False),
                name="assessments_goaljudgment_unique_sg",
            ),
            models.UniqueConstraint(
                fields=["appraisal", "process_area", "generic_goal"],
                condition=models.Q(generic_goal__isnull=False),
                name="assessments_goaljudgment_unique_gg",
            ),
            models.CheckConstraint(
                condition=models.Q(specific_goal__isnull=False, generic_goal__isnull=True)
                | models.Q(specific_goal__isnull=True, generic_goal__isnull=False),
                name="assessments_goaljudgment_one_goal",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__in=GoalJudgmentRating.values),
                name="assessments_goaljudgment_rating_valid",
            ),
        ]

    @property
    def goal_code(self) -> str:
        goal = self.specific_goal or self.generic_goal
        return goal.code if goal else ""

    def __str__(self) -> str:
        return f"{self.process_area.acronym} {self.goal_code} judged {self.rating}"


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    WEAKNESS = "weakness", "Weakness"


class FindingValidation(models.TextChoices):
    PENDING = "", "Not validated yet"
    ACCEPTED = "accepted", "Accepted"
    REVISED = "revised", "Revised"
    REJECTED = "rejected", "Rejected"


class Finding(PracticeRef):
    """A strength or weakness on a PA, optionally narrowed to a goal, a practice and an instance.

    `validation` is the participants' feedback on the preliminary finding (SCAMPI's preliminary
    findings validation); a revised finding keeps its earlier text in the history.
    """

    Kind = FindingKind
    Validation = FindingValidation

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="findings")
    specific_goal = models.ForeignKey(
        SpecificGoal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generic_goal = models.ForeignKey(
        GenericGoal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sampled_instance = models.ForeignKey(
        Instance, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField(validators=[TextLimit(limits.FINDING_MAX)])
    validation = models.CharField(
        max_length=16, choices=Validation.choices, blank=True, default=Validation.PENDING
    )
    validation_note = models.TextField(blank=True, validators=[TextLimit(limits.RATIONALE_MAX)])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["appraisal", "process_area__acronym", "kind", "created_at", "id"]
        constraints = [
            PracticeRef.exactly_one_practice("assessments_finding_practice", optional=True),
            models.CheckConstraint(
                condition=models.Q(kind__in=FindingKind.values),
                name="assessments_finding_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(validation__in=FindingValidation.values),
                name="assessments_finding_validation_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(specific_goal__isnull=True)
                | models.Q(generic_goal__isnull=True),
                name="assessments_finding_at_most_one_goal",
            ),
            models.CheckConstraint(
                condition=~models.Q(validation="rejected", validation_note=""),
                name="assessments_finding_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.process_area.acronym} {self.practice_code}".strip()
        return f"{self.get_kind_display()} on {where}: {self.text[:60]}"
