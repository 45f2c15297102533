"""The audit log page of an organisation, for its org admins."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from assessments.access import organisation_for
from assessments.models import Role
from audit.forms import AuditFilterForm
from audit.selectors import events_for_organisation

PAGE_SIZE = 50

app_name = "audit"


@require_safe
def log(request: HttpRequest, org: str) -> HttpResponse:
    membership = organisation_for(request, org, Role.ORG_ADMIN)
    organisation = membership.organisation
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = events_for_organisation(
        organisation=organisation, **{k: v for k, v in filters.items() if v}
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "organisation": organisation,
            "current_organisation": organisation,
            "membership": membership,
            "form": form,
            "page": page,
            "query": query.urlencode(),
        },
        status=400 if form.errors else 200,
    )


urlpatterns = [path("orgs/<slug:org>/audit/", log, name="log")]
