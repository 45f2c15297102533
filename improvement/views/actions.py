"""Improvement actions: create (from a weakness, a blocker or scratch), read, edit, move."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.access import organisation_for
from assessments.models import Appraisal, Finding, Role
from improvement import rules, services
from improvement.forms import ActionForm, StatusForm
from improvement.models import ImprovementAction
from improvement.selectors import org_catalog
from improvement.targets import NO_MODEL, parse_targets, targets_text
from improvement.views.common import (
    OWNER_OR_TEAM,
    action_or_404,
    apply_errors,
    can_move,
    org_context,
)


def _source(organisation, value) -> Appraisal | None:
    if not value:
        return None
    appraisal = (
        Appraisal.objects.filter(organisation=organisation, code=value)
        .select_related("variant__constellation", "organisation")
        .first()
    )
    if appraisal is None:
        raise Http404
    return appraisal


def _finding_choices(appraisal: Appraisal | None) -> list[tuple[str, str]]:
    if appraisal is None:
        return []
    findings = Finding.objects.filter(
        appraisal=appraisal, kind=Finding.Kind.WEAKNESS
    ).select_related("process_area", "specific_practice__goal", "generic_practice__generic_goal")
    return [(str(f.pk), _finding_label(f)) for f in findings]


def _finding_label(finding: Finding) -> str:
    where = f"{finding.process_area.acronym} {finding.practice_code}".strip()
    return f"{where}: {finding.text[:80]}"


def _initial(request: HttpRequest, organisation) -> tuple[dict, Appraisal | None]:
    """Prefill from ?finding=<pk> (a weakness) or ?appraisal=<code>&pa=<acronym> (a blocker)."""
    finding_pk = request.GET.get("finding", "")
    if finding_pk.isdigit():
        finding = (
            Finding.objects.filter(pk=int(finding_pk), appraisal__organisation=organisation)
            .select_related(
                "appraisal__variant__constellation",
                "process_area",
                "specific_practice__goal",
                "generic_practice__generic_goal",
                "specific_goal",
                "generic_goal",
            )
            .first()
        )
        if finding is None:
            raise Http404
        goal = finding.specific_goal or finding.generic_goal
        code = finding.practice_code or (goal.code if goal else "")
        return (
            {
                "title": f"Address {finding.process_area.acronym} {code}".strip()
                + f": {finding.text[:120]}",
                "description": f"{finding.get_kind_display()}: {finding.text}",
                "targets": f"{finding.process_area.acronym} {code}".strip(),
                "findings": [str(finding.pk)],
                "source": str(finding.appraisal.code),
            },
            finding.appraisal,
        )
    source = _source(organisation, request.GET.get("appraisal"))
    acronym = request.GET.get("pa", "").upper()
    if source is not None and acronym:
        goals = [g for g in request.GET.get("goals", "").split(",") if g.strip()]
        lines = [f"{acronym} {g.strip()}" for g in goals] or [acronym]
        return (
            {
                "title": f"Unblock {acronym} for the next maturity level",
                "targets": "\n".join(lines),
                "source": str(source.code),
            },
            source,
        )
    return {"source": str(source.code) if source else ""}, source


def _save(request, membership, form, *, action=None, source=None) -> ImprovementAction | None:
    """Validate the targets against the model, then save through the service; None on errors."""
    organisation = membership.organisation
    catalog = org_catalog(organisation, source)
    text = form.cleaned_data["targets"]
    targets, errors = (
        ([], [NO_MODEL] if text.strip() else [])
        if catalog is None
        else (parse_targets(text, catalog))
    )
    for error in errors:
        form.add_error("targets", error)
    if errors:
        return None
    findings = list(
        Finding.objects.filter(
            pk__in=form.cleaned_data.get("findings") or [], appraisal__organisation=organisation
        ).select_related("appraisal")
    )
    try:
        return services.action_save(
            organisation=organisation,
            action=action,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            owner=form.cleaned_data["owner"],
            due_date=form.cleaned_data["due_date"],
            targets=targets,
            findings=findings,
            priority_override=form.cleaned_data["priority_override"],
            source_appraisal=source,
            user=request.user,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return None


@require_http_methods(["GET", "HEAD", "POST"])
def action_create(request: HttpRequest, org: str) -> HttpResponse:
    membership = organisation_for(request, org, Role.TEAM_MEMBER)
    organisation = membership.organisation
    if request.method == "POST":
        source = _source(organisation, request.POST.get("source"))
        initial = {}
    else:
        initial, source = _initial(request, organisation)
    form = ActionForm(
        request.POST or None,
        initial=initial,
        organisation=organisation,
        finding_choices=_finding_choices(source),
    )
    if request.method == "POST" and form.is_valid():
        action = _save(request, membership, form, source=source)
        if action is not None:
            messages.success(request, f"Action “{action.title}” created.")
            return redirect(action)
    return render(
        request,
        "improvement/action_form.html",
        org_context(membership, form=form, source=source, action=None),
        status=400 if form.errors else 200,
    )


@require_safe
def action_detail(request: HttpRequest, org: str, action) -> HttpResponse:
    membership = organisation_for(request, org)
    action_obj = action_or_404(membership, action)
    history = list(
        action_obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    return render(
        request,
        "improvement/action_detail.html",
        org_context(
            membership,
            action=action_obj,
            history=history,
            can_move=can_move(membership, action_obj),
            moves=[
                (s, ImprovementAction.Status(s).label) for s in rules.TRANSITIONS[action_obj.status]
            ],
            proposals=list(action_obj.proposals.all()),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def action_edit(request: HttpRequest, org: str, action) -> HttpResponse:
    membership = organisation_for(request, org, Role.TEAM_MEMBER)
    action_obj = action_or_404(membership, action)
    source = action_obj.source_appraisal
    initial = {
        "title": action_obj.title,
        "description": action_obj.description,
        "owner": action_obj.owner_id,
        "due_date": action_obj.due_date,
        "targets": targets_text(action_obj.targets.all()),
        "findings": [str(f.pk) for f in action_obj.findings.all()],
        "priority_override": action_obj.priority_override,
    }
    choices = _finding_choices(source)
    known = {value for value, _ in choices}
    choices += [
        (str(f.pk), _finding_label(f))
        for f in action_obj.findings.select_related(
            "process_area", "specific_practice__goal", "generic_practice__generic_goal"
        )
        if str(f.pk) not in known
    ]
    form = ActionForm(
        request.POST or None,
        initial=initial,
        organisation=membership.organisation,
        finding_choices=choices,
        default_priority=action_obj.default_priority,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, membership, form, action=action_obj, source=source)
        if saved is not None:
            messages.success(request, "Action saved.")
            return redirect(saved)
    return render(
        request,
        "improvement/action_form.html",
        org_context(membership, form=form, source=source, action=action_obj),
        status=400 if form.errors else 200,
    )


@require_POST
def action_status(request: HttpRequest, org: str, action) -> HttpResponse:
    membership = organisation_for(request, org)
    action_obj = action_or_404(membership, action)
    if not can_move(membership, action_obj):
        raise PermissionDenied(OWNER_OR_TEAM)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid status.")
        return redirect(action_obj)
    try:
        services.action_set_status(
            action=action_obj,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, "Not moved: " + " ".join(error.messages))
    else:
        messages.success(request, f"The action is now {action_obj.get_status_display().lower()}.")
    if request.POST.get("next") == "plan":
        return redirect("improvement:plan", org=org)
    return redirect(action_obj)


urlpatterns = [
    path("orgs/<slug:org>/improvement/actions/new/", action_create, name="action_create"),
    path("orgs/<slug:org>/improvement/actions/<uuid:action>/", action_detail, name="action"),
    path(
        "orgs/<slug:org>/improvement/actions/<uuid:action>/edit/", action_edit, name="action_edit"
    ),
    path(
        "orgs/<slug:org>/improvement/actions/<uuid:action>/status/",
        action_status,
        name="action_status",
    ),
]
