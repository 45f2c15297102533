"""Findings: record them (grid page or findings page), list them per PA and goal with the cells
that still lack a weakness, and validate the preliminary findings with the participants."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from assessments import finding_selectors, finding_services
from assessments.access import appraisal_for
from assessments.engine_input import AppraisalState, load_appraisal_state
from assessments.forms import FindingForm, FindingValidationForm
from assessments.models import Finding, Role

# Where finding_add sends the user back to: the grid page (default) or the findings page.
BACK_TO_FINDINGS = "findings"


def _in_scope_or_404(state: AppraisalState, acronym: str):
    if acronym not in state.in_scope:
        raise Http404
    return state.catalog.process_areas[acronym]


def finding_form(
    state: AppraisalState, acronym: str, data=None, initial: QueryDict | dict | None = None
) -> FindingForm:
    """The finding form of a PA. `initial` may carry `kind`, `goal`, `practice` (as in URLs:
    "SP-1.1") and `instance` (a key) to pre-fill it, e.g. from a cell lacking a weakness."""
    result = state.results.process_areas[acronym]
    catalog = state.catalog
    prefill = {}
    for name in ("kind", "goal", "practice", "instance"):
        value = (initial or {}).get(name)
        if value:
            prefill[name] = value.replace("-", " ", 1) if name in ("goal", "practice") else value
    return FindingForm(
        data,
        initial=prefill,
        goal_choices=[
            (code, f"{code} {catalog.goal(acronym, code).title}") for code in result.required_goals
        ],
        practice_choices=[
            (code, f"{code} {catalog.practice(acronym, code).title}") for code in result.practices
        ],
        instance_choices=[(i.key, i.name) for i in state.coverage.get(acronym, [])],
    )


def _errors(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
    return " ".join(error.messages)


@require_POST
def finding_add(request: HttpRequest, code, acronym: str) -> HttpResponse:
    appraisal, _ = appraisal_for(request, code, Role.TEAM_MEMBER, write=True)
    state = load_appraisal_state(appraisal)
    pa = _in_scope_or_404(state, acronym)
    form = finding_form(state, acronym, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        instances = {i.key: i for i in state.coverage.get(acronym, [])}
        try:
            finding_services.finding_create(
                appraisal=appraisal,
                process_area=pa,
                kind=data["kind"],
                text=data["text"],
                goal=state.catalog.goal(acronym, data["goal"]) if data["goal"] else None,
                practice=state.catalog.practice(acronym, data["practice"])
                if data["practice"]
                else None,
                instance=instances.get(data["instance"]),
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, "The finding was not saved: " + _errors(error))
        else:
            messages.success(request, f"{data['kind'].capitalize()} recorded on {acronym}.")
    else:
        messages.error(
            request,
            "The finding was not saved: "
            + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()),
        )
    if request.POST.get("next") == BACK_TO_FINDINGS:
        return redirect(reverse("assessments:findings", args=[appraisal.code]) + f"#pa-{acronym}")
    return redirect(reverse("assessments:rate_pa", args=[appraisal.code, acronym]) + "#findings")


@require_POST
def finding_delete(request: HttpRequest, code, pk: int) -> HttpResponse:
    appraisal, _ = appraisal_for(request, code, Role.TEAM_MEMBER, write=True)
    finding = get_object_or_404(
        Finding.objects.select_related("process_area"), pk=pk, appraisal=appraisal
    )
    finding_services.finding_delete(finding=finding, user=request.user)
    messages.success(request, "Finding deleted.")
    return redirect(
        reverse("assessments:rate_pa", args=[appraisal.code, finding.process_area.acronym])
        + "#findings"
    )


@require_safe
def findings(request: HttpRequest, code) -> HttpResponse:
    """Per PA and goal; the cells lacking a weakness, each linking to a pre-filled form. With
    `?pa=ACRONYM` (and `practice`, `instance`, `kind`) the page shows the form for that PA."""
    appraisal, membership = appraisal_for(request, code)
    state = load_appraisal_state(appraisal)
    can_rate = membership.has_role(Role.TEAM_MEMBER) and not appraisal.is_final
    form_pa = request.GET.get("pa", "")
    form = None
    if can_rate and form_pa in state.in_scope:
        form = finding_form(state, form_pa, initial=request.GET)
    return render(
        request,
        "assessments/findings.html",
        {
            "appraisal": appraisal,
            "membership": membership,
            "current_organisation": appraisal.organisation,
            "pages": finding_selectors.findings_page(state),
            "in_scope": state.in_scope,
            "can_rate": can_rate,
            "form": form,
            "form_pa": state.catalog.process_areas[form_pa] if form else None,
        },
    )


@require_safe
def preliminary(request: HttpRequest, code) -> HttpResponse:
    """The preliminary findings the team presents to the participants (printable); the lead
    appraiser records their feedback on each finding."""
    appraisal, membership = appraisal_for(request, code)
    state = load_appraisal_state(appraisal)
    return render(
        request,
        "assessments/preliminary.html",
        {
            "appraisal": appraisal,
            "membership": membership,
            "current_organisation": appraisal.organisation,
            "pages": finding_selectors.preliminary_findings(state),
            "unvalidated": finding_selectors.unvalidated_count(state.findings),
            "total": len(state.findings),
            "can_validate": membership.has_role(Role.LEAD_APPRAISER) and not appraisal.is_final,
            "outcomes": [c for c in Finding.Validation.choices if c[0]],
        },
    )


@require_POST
def finding_validate(request: HttpRequest, code, pk: int) -> HttpResponse:
    appraisal, _ = appraisal_for(request, code, Role.LEAD_APPRAISER, write=True)
    finding = get_object_or_404(
        Finding.objects.select_related("process_area"), pk=pk, appraisal=appraisal
    )
    finding.appraisal = appraisal
    form = FindingValidationForm(request.POST)
    if form.is_valid():
        try:
            finding_services.finding_validate(
                finding=finding,
                validation=form.cleaned_data["validation"],
                text=form.cleaned_data["text"],
                note=form.cleaned_data["validation_note"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, "Not recorded: " + _errors(error))
        else:
            messages.success(
                request,
                f"Finding on {finding.process_area.acronym} {finding.get_validation_display()}.",
            )
    else:
        messages.error(request, "Choose accepted, revised or rejected.")
    return redirect(reverse("assessments:preliminary", args=[appraisal.code]) + f"#f{finding.pk}")


urlpatterns = [
    path("a/<uuid:code>/rate/<str:acronym>/findings/", finding_add, name="finding_add"),
    path("a/<uuid:code>/findings/", findings, name="findings"),
    path("a/<uuid:code>/findings/preliminary/", preliminary, name="preliminary"),
    path("a/<uuid:code>/findings/<int:pk>/delete/", finding_delete, name="finding_delete"),
    path("a/<uuid:code>/findings/<int:pk>/validate/", finding_validate, name="finding_validate"),
]
