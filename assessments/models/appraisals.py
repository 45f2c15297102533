"""An appraisal, its status changes, its scope and its sampled instances (DESIGN §3)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessments import labels, limits
from assessments.limits import TextLimit
from assessments.models.organisations import Organisation
from models_catalog.models import (
    ModelVariant,
    ProcessArea,
)


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
                violation_error_message=labels.STATUS_VALUES,
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
                violation_error_message=labels.DATE_ORDER,
            ),
            models.CheckConstraint(
                condition=models.Q(representation=AppraisalRepresentation.CONTINUOUS)
                | models.Q(target_maturity_level__gte=2, target_maturity_level__lte=5),
                name="assessments_appraisal_staged_has_target",
                violation_error_message=labels.STAGED_TARGET_RANGE,
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    from_status__in=AppraisalStatus.values, to_status__in=AppraisalStatus.values
                ),
                name="assessments_statuschange_statuses_valid",
                violation_error_message=labels.STATUS_VALUES,
            ),
        ]

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
                condition=~models.Q(
                    applicability=ScopeItemApplicability.NOT_APPLICABLE, justification=""
                ),
                name="assessments_scopeitem_na_has_justification",
                violation_error_message=labels.NA_JUSTIFICATION,
            ),
            models.CheckConstraint(
                condition=models.Q(target_capability_level__isnull=True)
                | models.Q(target_capability_level__gte=1, target_capability_level__lte=5),
                name="assessments_scopeitem_target_cl_range",
                violation_error_message=labels.CL_RANGE,
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
                violation_error_message=labels.INSTANCE_KIND_VALUES,
            ),
        ]

    def __str__(self) -> str:
        return self.name
