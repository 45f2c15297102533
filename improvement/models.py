"""The process improvement cycle (DESIGN §3 "Improvement action"; the seed's cycle slide):
findings and priorities become actions, members propose process changes, and the next appraisal
of the same organisation checks what was deployed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessments.models import Appraisal, Finding, Organisation, PracticeRef
from models_catalog.models import GenericGoal, SpecificGoal

PRIORITY_HIGHEST, PRIORITY_LOWEST = 1, 9


class ActionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DEPLOYED = "deployed", "Deployed"
    VERIFIED = "verified", "Verified"
    DROPPED = "dropped", "Dropped"


class ImprovementAction(models.Model):
    """An improvement action of an organisation; what it addresses is in `targets`."""

    Status = ActionStatus

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="improvement_actions"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvement_actions",
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    drop_reason = models.TextField(blank=True)
    # "Which bits first" (DESIGN §4.7), computed by improvement.rules.default_priority when the
    # action's targets change; `priority_override` (1 highest .. 9) wins when set.
    default_priority = models.PositiveSmallIntegerField(default=PRIORITY_LOWEST)
    priority_override = models.PositiveSmallIntegerField(null=True, blank=True)
    # The appraisal whose findings or blockers the action answers, if any.
    source_appraisal = models.ForeignKey(
        Appraisal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    findings = models.ManyToManyField(Finding, blank=True, related_name="improvement_actions")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[findings], excluded_fields=["updated_at"])

    class Meta:
        ordering = ["organisation", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values),
                name="improvement_action_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="dropped", drop_reason=""),
                name="improvement_action_dropped_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(priority_override__isnull=True)
                | models.Q(
                    priority_override__gte=PRIORITY_HIGHEST,
                    priority_override__lte=PRIORITY_LOWEST,
                ),
                name="improvement_action_priority_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "improvement:action", kwargs={"org": self.organisation.slug, "action": self.code}
        )

    @property
    def priority(self) -> int:
        return self.priority_override or self.default_priority

    @property
    def owner_name(self) -> str:
        if self.owner is None:
            return ""
        return self.owner.get_full_name() or self.owner.username


class ActionTarget(PracticeRef):
    """A PA an action addresses, optionally narrowed to a goal or a practice of it."""

    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="targets")
    specific_goal = models.ForeignKey(
        SpecificGoal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generic_goal = models.ForeignKey(
        GenericGoal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "process_area__acronym", "id"]
        constraints = [
            PracticeRef.exactly_one_practice("improvement_target_practice", optional=True),
            models.CheckConstraint(
                condition=models.Q(specific_goal__isnull=True)
                | models.Q(generic_goal__isnull=True),
                name="improvement_target_at_most_one_goal",
            ),
        ]

    @property
    def goal_code(self) -> str:
        goal = self.specific_goal or self.generic_goal
        return goal.code if goal else ""

    def __str__(self) -> str:
        return f"{self.process_area.acronym} {self.practice_code or self.goal_code}".strip()


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted as an action"
    DECLINED = "declined", "Declined"


class ChangeProposal(PracticeRef):
    """A process change proposal (the seed's cycle): any member proposes, a lead triages."""

    Status = ProposalStatus

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="change_proposals"
    )
    title = models.CharField(max_length=200)
    text = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    decline_reason = models.TextField(blank=True)
    action = models.ForeignKey(
        ImprovementAction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "-created_at", "-id"]
        constraints = [
            PracticeRef.exactly_one_practice("improvement_proposal_practice", optional=True),
            models.CheckConstraint(
                condition=models.Q(status__in=ProposalStatus.values),
                name="improvement_proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined", decline_reason=""),
                name="improvement_proposal_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process_area.acronym} {self.practice_code}: {self.title}".replace("  ", " ")


class AppraisalLineage(models.Model):
    """An appraisal started as the next one of `previous` (the re-appraisal of the cycle)."""

    appraisal = models.OneToOneField(Appraisal, on_delete=models.CASCADE, related_name="lineage")
    previous = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="next_lineages")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(appraisal=models.F("previous")),
                name="improvement_lineage_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.previous.name} → {self.appraisal.name}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due within a week"
    OVERDUE = "overdue", "Overdue"


class ReminderSent(models.Model):
    """One reminder e-mail about one action on one day: what makes `remind_actions` idempotent."""

    Kind = ReminderKind

    action = models.ForeignKey(
        ImprovementAction, on_delete=models.CASCADE, related_name="reminders"
    )
    recipient = models.EmailField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "action"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "sent_on"], name="improvement_reminder_once_a_day"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ReminderKind.values),
                name="improvement_reminder_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} → {self.recipient} on {self.sent_on} ({self.kind})"
