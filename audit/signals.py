"""Sign-ins, failed sign-ins and sign-outs go to the audit log.

A sign-in belongs to no organisation, yet each org admin should see those of their members: the
event is written once per organisation the user belongs to (once without one for a user of none).
A failed sign-in for an existing username is written likewise; for an unknown name, once.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from assessments.models import Organisation
from audit.models import AuditAction
from audit.services import record


def _organisations(user) -> list[Organisation | None]:
    if user is None:
        return [None]
    return list(Organisation.objects.filter(memberships__user=user).order_by("pk")) or [None]


def _record_each(request, action: str, user, username: str) -> None:
    for organisation in _organisations(user):
        record(request, action, organisation=organisation, actor=user, target=username)


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _signed_in(sender, request, user, **kwargs) -> None:
    _record_each(request, AuditAction.SIGN_IN, user, user.get_username())


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def _signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        _record_each(request, AuditAction.SIGN_OUT, user, user.get_username())


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # The username tried, never the password. The actor stays empty: nobody signed in.
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    for organisation in _organisations(user):
        record(
            request,
            AuditAction.SIGN_IN_FAILED,
            organisation=organisation,
            target=username,
            actor=None,
        )
