"""Writing audit events."""

from __future__ import annotations

from django.http import HttpRequest

from assessments.models import Organisation
from audit.models import AuditEvent
from cmmisvc.client_ip import client_ip

TARGET_MAX = 300


def record(
    request: HttpRequest | None,
    action: str,
    *,
    organisation: Organisation | None = None,
    target: object = "",
    actor=None,
) -> AuditEvent:
    """Append one event. `actor` defaults to the request's signed-in user; the address is the
    client's (cmmisvc.client_ip, so behind a proxy too); `target` is described as text so the
    event stays readable after the object is deleted. Commands pass request=None."""
    user = getattr(request, "user", None)
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    address = client_ip(request) if request is not None else ""
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else "",
        organisation=organisation,
        organisation_name=organisation.name if organisation is not None else "",
        action=action,
        target=str(target)[:TARGET_MAX],
        ip_address=address or None,
    )
