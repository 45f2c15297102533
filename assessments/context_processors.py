"""Template context shared by every page: the organisations the user belongs to."""

from django.http import HttpRequest


def memberships(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from assessments.selectors import memberships_for_user

    return {"user_memberships": memberships_for_user(user=user)}
