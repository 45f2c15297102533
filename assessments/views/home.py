"""The landing page: the user's organisations and their appraisals."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from assessments import selectors


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    memberships = selectors.memberships_for_user(user=request.user)
    if len(memberships) == 1:
        return redirect(memberships[0].organisation)
    return render(request, "assessments/home.html", {"memberships": memberships})
