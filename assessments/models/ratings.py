"""The rating grid's cells and the lead appraiser's judgments (DESIGN §4).

Ratings are never computed here: `assessments.rating` does that from plain data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from assessments import limits
from assessments.limits import TextLimit
from assessments.models.appraisals import Appraisal, Instance
from models_catalog.models import (
    GenericGoal,
    GenericPractice,
    ProcessArea,
    SpecificGoal,
    SpecificPractice,
)


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
