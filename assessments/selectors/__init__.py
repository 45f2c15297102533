"""Reads for pages and reports, each with its queries fixed in one place."""

from __future__ import annotations

from assessments.models import Membership


def memberships_for_user(*, user) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
