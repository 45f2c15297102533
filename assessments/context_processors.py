"""Template context shared by every page: the organisations the user belongs to."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def memberships(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from assessments.selectors import memberships_for_user

    # Read when a template shows the menu (full pages), not for htmx partials such as a cell save.
    return {"user_memberships": SimpleLazyObject(lambda: memberships_for_user(user=user))}
