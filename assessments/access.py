"""Who may see and change what: one helper per object type (STYLE: healthchecks' _get_rw_check).

A user who is not a member of the owning organisation gets 404, never 403, so that the
existence of another organisation's data is not revealed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from assessments.models import Appraisal, Membership, Organisation, Role

LOCKED_MESSAGE = "This appraisal is final and locked: a lead appraiser must reopen it first."
ROLE_MESSAGE = "Your role in {org} does not allow this."


class AppraisalLocked(PermissionDenied):
    pass


def membership_or_404(user, organisation: Organisation) -> Membership:
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.filter(user=user, organisation=organisation)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def require_role(membership: Membership, role: str) -> None:
    if not membership.has_role(role):
        raise PermissionDenied(ROLE_MESSAGE.format(org=membership.organisation))


def organisation_for(request: HttpRequest, slug: str, role: str = Role.VIEWER) -> Membership:
    """The user's membership in the organisation `slug`, with at least `role`."""
    if not request.user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.filter(user=request.user, organisation__slug=slug)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise Http404
    require_role(membership, role)
    return membership


def appraisal_for(
    request: HttpRequest, code, role: str = Role.VIEWER, *, write: bool = False
) -> tuple[Appraisal, Membership]:
    """The appraisal `code` for a member with at least `role`.

    `write=True` also refuses a final appraisal, whatever the role: DESIGN §3 locks it.
    """
    appraisal = (
        Appraisal.objects.filter(code=code)
        .select_related("organisation", "variant__constellation")
        .first()
    )
    if appraisal is None:
        raise Http404
    membership = membership_or_404(request.user, appraisal.organisation)
    require_role(membership, role)
    if write and appraisal.is_final:
        raise AppraisalLocked(LOCKED_MESSAGE)
    return appraisal, membership
