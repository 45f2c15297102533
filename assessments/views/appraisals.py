"""Appraisal pages: create, overview, details, scope, instances and status."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST, require_safe

import audit
from assessments import services
from assessments.access import appraisal_for, organisation_for
from assessments.engine_input import load_appraisal_state
from assessments.forms import (
    AppraisalCreateForm,
    AppraisalEditForm,
    InstanceForm,
    ScopeItemForm,
    StatusForm,
)
from assessments.models import Appraisal, Instance, Role
from audit.models import AuditAction


def _context(appraisal: Appraisal, membership, **extra) -> dict:
    return {
        "appraisal": appraisal,
        "membership": membership,
        "current_organisation": appraisal.organisation,
        "can_rate": membership.has_role(Role.TEAM_MEMBER) and not appraisal.is_final,
        "can_lead": membership.has_role(Role.LEAD_APPRAISER),
        **extra,
    }


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "HEAD", "POST"])
def appraisal_create(request: HttpRequest, org: str) -> HttpResponse:
    membership = organisation_for(request, org, Role.LEAD_APPRAISER)
    organisation = membership.organisation
    form = AppraisalCreateForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appraisal = services.appraisal_create(
                organisation=organisation,
                name=data["name"],
                variant=data["variant"],
                representation=data["representation"],
                target_maturity_level=data["target_maturity_level"],
                target_capability_level=data["target_capability_level"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                team=data["team"],
                method=data["method"],
                evidence_model=data["evidence_model"],
                coverage_policy=data["coverage_policy"],
                sponsor=data["sponsor"],
                organisational_unit=data["organisational_unit"],
                user=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Appraisal {appraisal.name} created: check its scope next.")
            return redirect("assessments:scope", code=appraisal.code)
    return render(
        request,
        "assessments/appraisal_form.html",
        {"form": form, "organisation": organisation, "current_organisation": organisation},
        status=400 if form.errors else 200,
    )


@require_safe
def appraisal_detail(request: HttpRequest, code) -> HttpResponse:
    appraisal, membership = appraisal_for(request, code)
    state = load_appraisal_state(appraisal)
    indicators = state.indicators.process_areas
    rows = []
    for acronym, pa in state.catalog.process_areas.items():
        result = state.results.process_areas[acronym]
        rows.append(
            {
                "pa": pa,
                "result": result,
                "scope": state.scope_items.get(acronym),
                "progress": state.progress.get(acronym),
                "instances": len(state.coverage.get(acronym, [])),
                "coverage": indicators.get(acronym),
            }
        )
    # PAs being rated first, then those left out, each alphabetically.
    rows.sort(key=lambda r: (r["progress"] is None, r["pa"].acronym))
    return render(
        request,
        "assessments/appraisal_detail.html",
        _context(
            appraisal,
            membership,
            state=state,
            rows=rows,
            total=state.total_progress,
            status_form=StatusForm(),
            transitions=[
                (s, Appraisal.Status(s).label) for s in services.allowed_transitions(appraisal)
            ],
            status_changes=appraisal.status_changes.select_related("user")[:10],
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def appraisal_edit(request: HttpRequest, code) -> HttpResponse:
    appraisal, membership = appraisal_for(request, code, Role.LEAD_APPRAISER, write=True)
    form = AppraisalEditForm(request.POST or None, instance=appraisal)
    if request.method == "POST" and form.is_valid():
        try:
            services.appraisal_update(
                appraisal=appraisal,
                user=request.user,
                **{name: form.cleaned_data[name] for name in form.fields},
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Appraisal details saved.")
            return redirect(appraisal)
    return render(
        request,
        "assessments/appraisal_edit.html",
        _context(appraisal, membership, form=form),
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def scope(request: HttpRequest, code) -> HttpResponse:
    post = request.method == "POST"
    appraisal, membership = appraisal_for(
        request, code, Role.LEAD_APPRAISER if post else Role.VIEWER, write=post
    )
    items = list(
        appraisal.scope_items.select_related(
            "process_area__maturity_level", "process_area__category"
        )
    )
    editable = membership.has_role(Role.LEAD_APPRAISER) and not appraisal.is_final
    constellation = appraisal.variant.constellation
    forms = [
        ScopeItemForm(
            request.POST or None,
            instance=item,
            prefix=f"pa{item.pk}",
            constellation=constellation,
        )
        for item in items
    ]
    if appraisal.representation == Appraisal.Representation.STAGED:
        for form in forms:
            del form.fields["target_capability_level"]
    if post and all(form.is_valid() for form in forms):
        try:
            with transaction.atomic():
                for form, item in zip(forms, items, strict=True):
                    services.scope_item_update(
                        item=item,
                        applicability=form.cleaned_data["applicability"],
                        justification=form.cleaned_data["justification"],
                        target_capability_level=form.cleaned_data.get("target_capability_level"),
                        user=request.user,
                    )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Scope saved.")
            return redirect("assessments:scope", code=appraisal.code)
    state = load_appraisal_state(appraisal)
    rows = [
        {
            "item": item,
            "form": form,
            "result": state.results.process_areas[item.process_area.acronym],
        }
        for item, form in zip(items, forms, strict=True)
        if item.process_area.acronym in state.results.process_areas
    ]
    has_errors = any(form.errors for form in forms)
    return render(
        request,
        "assessments/scope.html",
        _context(appraisal, membership, rows=rows, editable=editable),
        status=400 if has_errors else 200,
    )


def _scope_pas(appraisal: Appraisal):
    state = load_appraisal_state(appraisal)
    return [state.catalog.process_areas[acr] for acr in state.in_scope]


def _save_instance(form: InstanceForm, appraisal: Appraisal, user) -> Instance:
    return services.instance_save(
        appraisal=appraisal,
        instance=form.instance if form.instance.pk else None,
        key=form.cleaned_data["key"],
        name=form.cleaned_data["name"],
        kind=form.cleaned_data["kind"],
        process_areas=list(form.cleaned_data["process_areas"]),
        user=user,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def instances(request: HttpRequest, code) -> HttpResponse:
    post = request.method == "POST"
    appraisal, membership = appraisal_for(
        request, code, Role.LEAD_APPRAISER if post else Role.VIEWER, write=post
    )
    form = None
    if membership.has_role(Role.LEAD_APPRAISER) and not appraisal.is_final:
        form = InstanceForm(
            request.POST or None,
            instance=Instance(appraisal=appraisal),
            process_areas=_scope_pas(appraisal),
        )
    if post and form.is_valid():
        instance = _save_instance(form, appraisal, request.user)
        messages.success(request, f"Instance {instance.name} added.")
        return redirect("assessments:instances", code=appraisal.code)
    return render(
        request,
        "assessments/instances.html",
        _context(
            appraisal,
            membership,
            instances=appraisal.instances.prefetch_related("process_areas"),
            form=form,
        ),
        status=400 if form is not None and form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def instance_edit(request: HttpRequest, code, pk: int) -> HttpResponse:
    appraisal, membership = appraisal_for(request, code, Role.LEAD_APPRAISER, write=True)
    instance = get_object_or_404(Instance, pk=pk, appraisal=appraisal)
    form = InstanceForm(
        request.POST or None, instance=instance, process_areas=_scope_pas(appraisal)
    )
    if request.method == "POST" and form.is_valid():
        _save_instance(form, appraisal, request.user)
        messages.success(request, f"Instance {instance.name} saved.")
        return redirect("assessments:instances", code=appraisal.code)
    return render(
        request,
        "assessments/instance_edit.html",
        _context(appraisal, membership, form=form, instance=instance),
        status=400 if form.errors else 200,
    )


@require_POST
def instance_delete(request: HttpRequest, code, pk: int) -> HttpResponse:
    appraisal, _ = appraisal_for(request, code, Role.LEAD_APPRAISER, write=True)
    instance = get_object_or_404(Instance, pk=pk, appraisal=appraisal)
    services.instance_delete(instance=instance, user=request.user)
    messages.success(request, f"Instance {instance.name} and its ratings were removed.")
    return redirect("assessments:instances", code=appraisal.code)


@require_POST
def status(request: HttpRequest, code) -> HttpResponse:
    # A final appraisal may be reopened, so this is the one write that is allowed on it.
    appraisal, _ = appraisal_for(request, code, Role.LEAD_APPRAISER)
    form = StatusForm(request.POST)
    old = appraisal.get_status_display()
    if form.is_valid():
        try:
            services.appraisal_set_status(
                appraisal=appraisal,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            text = " ".join(error.messages)
            if any(e.code == "findings_not_validated" for e in getattr(error, "error_list", [])):
                url = reverse("assessments:preliminary", args=[appraisal.code])
                text = format_html('{} <a href="{}">Open the preliminary findings</a>.', text, url)
            messages.error(request, text)
        else:
            audit.record(
                request,
                AuditAction.STATUS_CHANGED,
                organisation=appraisal.organisation,
                target=f"{appraisal.name}: {old} → {appraisal.get_status_display()}",
            )
            messages.success(request, f"The appraisal is now {appraisal.get_status_display()}.")
    else:
        messages.error(request, "Choose a valid status.")
    return redirect(appraisal)


urlpatterns = [
    path("orgs/<slug:org>/appraisals/new/", appraisal_create, name="appraisal_create"),
    path("a/<uuid:code>/", appraisal_detail, name="appraisal"),
    path("a/<uuid:code>/edit/", appraisal_edit, name="appraisal_edit"),
    path("a/<uuid:code>/scope/", scope, name="scope"),
    path("a/<uuid:code>/instances/", instances, name="instances"),
    path("a/<uuid:code>/instances/<int:pk>/", instance_edit, name="instance_edit"),
    path("a/<uuid:code>/instances/<int:pk>/delete/", instance_delete, name="instance_delete"),
    path("a/<uuid:code>/status/", status, name="status"),
]
