"""AuditEvent: one row per security-relevant act, append-only and kept when objects go."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from assessments.models import Organisation


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGN_OUT = "sign_out", "Signed out"
    MEMBER_ADDED = "member_added", "Member added"
    ROLE_CHANGED = "role_changed", "Role changed"
    MEMBER_REMOVED = "member_removed", "Member removed"
    STATUS_CHANGED = "status_changed", "Status changed"
    IMPORTED = "imported", "Appraisal imported"
    EXPORTED = "exported", "Appraisal exported"
    REPORT_DOWNLOADED = "report_downloaded", "Report downloaded"
    EVIDENCE_DOWNLOADED = "evidence_downloaded", "Evidence file downloaded"


class AppendOnly(Exception):
    pass


class AuditEvent(models.Model):
    """Who (kept as a name when the user is deleted), in which organisation (likewise), did
    what to which object (a description, so the event outlives the object), when, from where."""

    Action = AuditAction

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    organisation_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    target = models.CharField(max_length=300, blank=True)
    # GenericIPAddressField needs null for "unknown" (blank alone would store "").
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-at"], name="audit_event_org_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AuditAction.values), name="audit_event_action_valid"
            )
        ]

    def __str__(self) -> str:
        who = self.actor_username or "someone"
        return f"{self.at:%Y-%m-%d %H:%M} {who}: {self.get_action_display()} {self.target}".strip()

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnly("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit events are never deleted.")
