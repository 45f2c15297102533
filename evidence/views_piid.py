"""The PIID page of a PA (printable) and the PIID workbook: export, and import back."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from assessments.access import appraisal_for
from assessments.engine_input import load_appraisal_state
from assessments.models import Role
from assessments.views.exchange import export_filename
from evidence import piid

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookForm(forms.Form):
    file = forms.FileField(
        label="PIID workbook",
        help_text="An XLSX file downloaded with Export PIID workbook, edited.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


@require_safe
def piid_page(request: HttpRequest, code, acronym: str) -> HttpResponse:
    appraisal, membership = appraisal_for(request, code)
    state = load_appraisal_state(appraisal)
    if acronym not in state.in_scope:
        raise Http404
    return render(
        request,
        "evidence/piid.html",
        {
            "appraisal": appraisal,
            "membership": membership,
            "current_organisation": appraisal.organisation,
            "pa": state.catalog.process_areas[acronym],
            "in_scope": state.in_scope,
            "instances": state.coverage.get(acronym, []),
            "rows": piid.piid_table(state, acronym),
            "v12": piid._v12(appraisal),
            "can_import": membership.has_role(Role.TEAM_MEMBER) and not appraisal.is_final,
        },
    )


@require_safe
def piid_export(request: HttpRequest, code) -> HttpResponse:
    appraisal, _ = appraisal_for(request, code)
    response = HttpResponse(piid.export_workbook(appraisal), content_type=XLSX)
    name = export_filename(appraisal).removesuffix(".json") + "-piid.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def piid_import(request: HttpRequest, code) -> HttpResponse:
    appraisal, membership = appraisal_for(request, code, Role.TEAM_MEMBER, write=True)
    form, problems = WorkbookForm(), []
    if request.method == "POST":
        form = WorkbookForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                changed = piid.import_workbook(
                    appraisal, form.cleaned_data["file"], user=request.user
                )
            except piid.WorkbookError as error:
                problems = error.messages
            else:
                messages.success(request, f"PIID workbook imported: {changed} changes.")
                return redirect(appraisal.get_absolute_url())
    return render(
        request,
        "evidence/piid_import.html",
        {
            "appraisal": appraisal,
            "membership": membership,
            "current_organisation": appraisal.organisation,
            "form": form,
            "problems": problems,
        },
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("a/<uuid:code>/piid/<str:acronym>/", piid_page, name="piid"),
    path("a/<uuid:code>/piid.xlsx", piid_export, name="piid_export"),
    path("a/<uuid:code>/piid-import/", piid_import, name="piid_import"),
]
