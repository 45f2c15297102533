"""Organisations and their members' roles (DESIGN §3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


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
