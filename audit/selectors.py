"""Reading the audit log of an organisation."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from assessments.models import Organisation
from audit.models import AuditEvent


def events_for_organisation(
    *,
    organisation: Organisation,
    action: str = "",
    actor: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """The organisation's events, newest first, filtered; no joins (names are copied)."""
    events = AuditEvent.objects.filter(organisation=organisation)
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_username__icontains=actor)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events.order_by("-at", "-pk")
