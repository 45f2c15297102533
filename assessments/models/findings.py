"""Strengths and weaknesses recorded on a PA, and their validation (DESIGN §5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from assessments import limits
from assessments.limits import TextLimit
from assessments.models.appraisals import Appraisal, Instance
from assessments.models.ratings import PracticeRef
from models_catalog.models import (
    GenericGoal,
    SpecificGoal,
)


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
                condition=~models.Q(validation=FindingValidation.REJECTED, validation_note=""),
                name="assessments_finding_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.process_area.acronym} {self.practice_code}".strip()
        return f"{self.get_kind_display()} on {where}: {self.text[:60]}"
