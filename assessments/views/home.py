"""The landing page: the user's organisations and their appraisals."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assessments import selectors


def home(request: HttpRequest) -> HttpResponse:
    memberships = selectors.memberships_for_user(user=request.user)
    if len(memberships) == 1:
        return redirect(memberships[0].organisation)
    return render(request, "assessments/home.html", {"memberships": memberships})
