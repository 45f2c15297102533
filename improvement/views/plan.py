"""The improvement plan page and its PDF and XLSX exports."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from assessments.access import organisation_for
from improvement import documents
from improvement.forms import PlanFilterForm, StatusForm
from improvement.selectors import Filters, Plan, plan
from improvement.views.common import org_context

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan(request: HttpRequest, membership) -> tuple[Plan, PlanFilterForm]:
    filters = Filters()
    # Unknown filter values match nothing or are ignored: the plan never answers with an error.
    if request.GET:
        data = request.GET
        filters = Filters(
            status=data.get("status", ""),
            process_area=data.get("process_area", "").upper(),
            owner=int(data["owner"]) if data.get("owner", "").isdigit() else None,
            overdue=data.get("overdue") in ("on", "1", "true"),
        )
    result = plan(membership.organisation, filters=filters, today=timezone.localdate())
    form = PlanFilterForm(
        request.GET or None, owners=result.owners, process_areas=result.process_areas
    )
    return result, form


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _filename(membership, extension: str) -> str:
    return f"{slugify(membership.organisation.name)}-improvement-plan.{extension}"


@require_safe
def plan_page(request: HttpRequest, org: str) -> HttpResponse:
    membership = organisation_for(request, org)
    result, form = _plan(request, membership)
    return render(
        request,
        "improvement/plan.html",
        org_context(
            membership,
            plan=result,
            filter_form=form,
            status_form=StatusForm(),
            query=request.GET.urlencode(),
        ),
    )


@require_safe
def plan_pdf(request: HttpRequest, org: str) -> HttpResponse:
    membership = organisation_for(request, org)
    result, _ = _plan(request, membership)
    return _download(documents.plan_pdf(result), PDF, _filename(membership, "pdf"))


@require_safe
def plan_xlsx(request: HttpRequest, org: str) -> HttpResponse:
    membership = organisation_for(request, org)
    result, _ = _plan(request, membership)
    return _download(documents.plan_xlsx(result), XLSX, _filename(membership, "xlsx"))


urlpatterns = [
    path("orgs/<slug:org>/improvement/", plan_page, name="plan"),
    path("orgs/<slug:org>/improvement/plan.pdf", plan_pdf, name="plan_pdf"),
    path("orgs/<slug:org>/improvement/plan.xlsx", plan_xlsx, name="plan_xlsx"),
]
