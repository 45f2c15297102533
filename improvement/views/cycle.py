"""The cycle around the actions: process change proposals, comparing two appraisals, starting
the next appraisal and the organisation's trend."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.access import appraisal_for, organisation_for
from assessments.models import Appraisal, Role
from improvement import services
from improvement.forms import NextAppraisalForm, ProposalForm, TriageForm
from improvement.models import ChangeProposal
from improvement.selectors import (
    chronological,
    comparable_appraisals,
    comparison,
    org_catalog,
)
from improvement.selectors import (
    proposals as proposals_of,
)
from improvement.targets import NO_MODEL, ResolvedTarget, parse_targets
from improvement.trend import trend as trend_of
from improvement.views.common import apply_errors, org_context

ONE_TARGET = "Name one process area or one practice (not a goal)."
DIFFERENT_CONSTELLATIONS = (
    "{other} is an appraisal of {other_c}, not {this_c}: only appraisals of the same "
    "constellation can be compared."
)


def _one_target(form, catalog) -> ResolvedTarget | None:
    if catalog is None:
        form.add_error("target", NO_MODEL)
        return None
    targets, errors = parse_targets(form.cleaned_data["target"], catalog)
    for error in errors:
        form.add_error("target", error)
    if errors:
        return None
    if len(targets) != 1 or (targets[0].goal is not None and targets[0].practice is None):
        form.add_error("target", ONE_TARGET)
        return None
    return targets[0]


@require_http_methods(["GET", "HEAD", "POST"])
def proposals(request: HttpRequest, org: str) -> HttpResponse:
    """GET: the proposals. POST: any member proposes a change against a PA or practice."""
    membership = organisation_for(request, org)
    organisation = membership.organisation
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = _one_target(form, org_catalog(organisation))
        if target is not None:
            try:
                services.proposal_create(
                    organisation=organisation,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    target=target,
                    user=request.user,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Proposal recorded: a lead appraiser will triage it.")
                return redirect("improvement:proposals", org=org)
    return render(
        request,
        "improvement/proposals.html",
        org_context(
            membership,
            form=form,
            proposals=proposals_of(organisation),
            triage_form=TriageForm(organisation=organisation),
        ),
        status=400 if form.errors else 200,
    )


@require_POST
def proposal_triage(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    membership = organisation_for(request, org, Role.LEAD_APPRAISER)
    organisation = membership.organisation
    proposal = get_object_or_404(
        ChangeProposal.objects.select_related(
            "process_area__maturity_level",
            "specific_practice__goal",
            "generic_practice__generic_goal",
        ),
        pk=pk,
        organisation=organisation,
    )
    form = TriageForm(request.POST, organisation=organisation)
    if not form.is_valid():
        messages.error(request, "Not triaged: " + form.errors.as_text())
        return redirect("improvement:proposals", org=org)
    try:
        if form.cleaned_data["decision"] == "accept":
            practice = proposal.practice
            goal = None
            if practice is not None:
                goal = getattr(practice, "goal", None) or getattr(practice, "generic_goal", None)
            action = services.proposal_accept(
                proposal=proposal,
                user=request.user,
                target=ResolvedTarget(proposal.process_area, goal, practice),
                owner=form.cleaned_data["owner"],
                due_date=form.cleaned_data["due_date"],
            )
            messages.success(request, f"Proposal turned into the action “{action.title}”.")
            return redirect(action)
        services.proposal_decline(
            proposal=proposal, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Proposal declined.")
    except ValidationError as error:
        messages.error(request, "Not triaged: " + " ".join(error.messages))
    return redirect("improvement:proposals", org=org)


@require_safe
def compare(request: HttpRequest, code) -> HttpResponse:
    """Compare with another appraisal of the same organisation (?with=<code>), older first."""
    appraisal, membership = appraisal_for(request, code)
    candidates = comparable_appraisals(appraisal)
    other_code = request.GET.get("with", "")
    context = {
        "appraisal": appraisal,
        "membership": membership,
        "current_organisation": appraisal.organisation,
        "candidates": candidates,
        "result": None,
        "error": "",
    }
    status = 200
    if other_code:
        other = (
            Appraisal.objects.filter(organisation=appraisal.organisation, code=other_code)
            .select_related("variant__constellation", "organisation")
            .first()
            if _is_uuid(other_code)
            else None
        )
        if other is None:
            raise Http404
        if other.variant.constellation_id != appraisal.variant.constellation_id:
            context["error"] = DIFFERENT_CONSTELLATIONS.format(
                other=other.name,
                other_c=other.variant.constellation,
                this_c=appraisal.variant.constellation,
            )
            status = 400
        elif other.pk != appraisal.pk:
            old, new = chronological(appraisal, other)
            context.update(old=old, new=new, other=other, result=comparison(old, new))
    return render(request, "improvement/compare.html", context, status=status)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@require_http_methods(["GET", "HEAD", "POST"])
def next_appraisal(request: HttpRequest, code) -> HttpResponse:
    """From a final appraisal, start the next one (DESIGN §3): lead appraisers."""
    appraisal, membership = appraisal_for(request, code, Role.LEAD_APPRAISER)
    form = NextAppraisalForm(
        request.POST or None, initial={"name": f"{appraisal.name} (re-appraisal)"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.appraisal_start_next(
                previous=appraisal, name=form.cleaned_data["name"], user=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{new.name} started from {appraisal.name}: scope and instances copied, "
                "ratings start empty.",
            )
            return redirect(new)
    return render(
        request,
        "improvement/next_appraisal.html",
        {
            "appraisal": appraisal,
            "membership": membership,
            "current_organisation": appraisal.organisation,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_safe
def trend(request: HttpRequest, org: str) -> HttpResponse:
    membership = organisation_for(request, org)
    return render(
        request,
        "improvement/trend.html",
        org_context(membership, trend=trend_of(membership.organisation)),
    )


urlpatterns = [
    path("orgs/<slug:org>/improvement/proposals/", proposals, name="proposals"),
    path(
        "orgs/<slug:org>/improvement/proposals/<int:pk>/triage/",
        proposal_triage,
        name="proposal_triage",
    ),
    path("orgs/<slug:org>/trend/", trend, name="trend"),
    path("a/<uuid:code>/compare/", compare, name="compare"),
    path("a/<uuid:code>/next/", next_appraisal, name="next_appraisal"),
]
