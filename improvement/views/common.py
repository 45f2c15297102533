"""Access helpers shared by the improvement views (assessments.access for the rest)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from assessments.models import Membership, Role
from improvement.models import ImprovementAction
from improvement.selectors import actions_queryset

OWNER_OR_TEAM = "Only the action's owner or a team member may move its status."


def action_or_404(membership: Membership, code) -> ImprovementAction:
    action = actions_queryset(membership.organisation).filter(code=code).first()
    if action is None:
        raise Http404
    return action


def can_edit(membership: Membership) -> bool:
    return membership.has_role(Role.TEAM_MEMBER)


def can_move(membership: Membership, action: ImprovementAction) -> bool:
    """Team members and above edit actions; the owner of an action may move its status."""
    return can_edit(membership) or action.owner_id == membership.user_id


def apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def org_context(membership: Membership, **extra) -> dict:
    return {
        "organisation": membership.organisation,
        "current_organisation": membership.organisation,
        "membership": membership,
        "can_edit": can_edit(membership),
        "can_lead": membership.has_role(Role.LEAD_APPRAISER),
        **extra,
    }
