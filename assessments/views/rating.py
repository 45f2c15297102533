"""The rating grid of a PA: practices × instances, saved cell by cell through htmx."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from assessments import services
from assessments.access import appraisal_for
from assessments.forms import CellForm
from assessments.models import Characterization, Role, Value
from assessments.selectors import grid
from assessments.selectors.grid import CellTarget, PAState, practice_slug
from assessments.views.findings import finding_form
from improvement.selectors import previous_values


def _state_or_404(appraisal, acronym: str, **options) -> PAState:
    state = grid.pa_state(appraisal, acronym, **options)
    if state is None:
        raise Http404
    return state


@require_safe
def rate_pa(request: HttpRequest, code, acronym: str) -> HttpResponse:
    appraisal, membership = appraisal_for(request, code)
    state = _state_or_404(appraisal, acronym, rows=True)
    in_scope = state.in_scope
    index = in_scope.index(acronym)
    can_rate = membership.has_role(Role.TEAM_MEMBER) and not appraisal.is_final
    return render(
        request,
        "assessments/rate_pa.html",
        {
            "appraisal": appraisal,
            "membership": membership,
            "current_organisation": appraisal.organisation,
            "state": state,
            "pa": state.pa,
            "pa_result": state.result,
            "instances": state.instances,
            "rows": grid.grid_rows(state, previous_values(appraisal, acronym)),
            "progress": state.progress,
            "total": state.total,
            "previous_pa": in_scope[index - 1] if index > 0 else None,
            "next_pa": in_scope[index + 1] if index + 1 < len(in_scope) else None,
            "can_rate": can_rate,
            "values": Value.choices,
            "findings": grid.pa_findings(appraisal, acronym),
            "finding_form": finding_form(state, acronym, initial=request.GET) if can_rate else None,
        },
    )


def _cell_or_404(appraisal, acronym: str, instance: int, slug: str, **options) -> CellTarget:
    target = grid.cell_target(appraisal, acronym, instance, slug, **options)
    if target is None:
        raise Http404
    return target


@require_http_methods(["GET", "HEAD", "POST"])
def cell(request: HttpRequest, code, acronym: str, instance: int, practice: str) -> HttpResponse:
    """GET: the panel of one cell (note, evidence, history). POST: save the cell."""
    if request.method == "POST":
        return _cell_save(request, code, acronym, instance, practice)
    appraisal, membership = appraisal_for(request, code)
    target = _cell_or_404(appraisal, acronym, instance, practice)
    return render(
        request,
        "assessments/partials/cell_panel.html",
        _cell_context(appraisal, membership, target, target.row),
    )


def _cell_context(appraisal, membership, target: CellTarget, row, **extra) -> dict:
    history, earlier = grid.cell_history(row)
    return {
        "appraisal": appraisal,
        "pa": target.pa,
        "code": target.code,
        "slug": practice_slug(target.code),
        "practice": target.practice,
        "instance": target.instance,
        "row": row,
        "can_rate": membership.has_role(Role.TEAM_MEMBER) and not appraisal.is_final,
        "values": Value.choices,
        "history": history,
        "earlier": earlier,
        "form": extra.pop("form", None),
        **extra,
    }


def _cell_save(request: HttpRequest, code, acronym: str, instance: int, practice: str):
    appraisal, membership = appraisal_for(request, code, Role.TEAM_MEMBER, write=True)
    target = _cell_or_404(appraisal, acronym, instance, practice)
    form = CellForm(request.POST)
    conflict = None
    status = 200
    row = target.row
    if not form.is_valid():
        status = 400
    else:
        try:
            row = services.characterization_set(
                appraisal=appraisal,
                instance=target.instance,
                process_area=target.pa,
                practice=target.practice,
                expected_version=form.cleaned_data["version"],
                user=request.user,
                checked=target,  # _cell_or_404 checked this cell: not again (see the service)
                **form.changes(),
            )
        except services.Conflict as error:
            conflict, row, status = error.current, error.current, 409
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
    if not request.htmx:
        if status == 200:
            messages.success(request, f"{acronym} {target.code} for {target.instance.name} saved.")
        else:
            messages.error(request, _conflict_text(conflict) if conflict else "Not saved.")
        return redirect("assessments:rate_pa", code=appraisal.code, acronym=acronym)
    # Rate the PA alone so the org-level value, the goals and the progress reflect the save.
    state = _state_or_404(
        appraisal,
        acronym,
        catalog=target.catalog,
        scope=target.scope,
        saved_revision=row.revision if status == 200 else None,
    )
    key = (target.instance.pk, target.code)
    return render(
        request,
        "assessments/partials/cell_saved.html",
        {
            **_cell_context(
                appraisal, membership, target, row, form=form if status == 400 else None
            ),
            "conflict": conflict,
            "conflict_text": _conflict_text(conflict) if conflict else "",
            "from_panel": request.POST.get("panel") == "1",
            "practice_result": state.result.practices[target.code],
            "goal_rating": state.result.goals,
            "progress": state.progress,
            "total": state.total,
            "can_rate": True,
            "evidence": state.evidence_counts.get(key, 0),
            "uncovered": key in state.uncovered,
        },
        status=status,
    )


@require_safe
def grid_changes(request: HttpRequest, code, acronym: str) -> HttpResponse:
    """The live grid's poll: 204 when nothing changed since revision `since` (the appraisal's
    row, read anyway, carries the revision); else the PA's cells saved since, each marked with
    who saved it, the org values, goals and progress, and the poller with the new revision."""
    appraisal, membership = appraisal_for(request, code)
    since = request.GET.get("since", "0")  # without it: every cell saved so far
    if not since.isdigit():
        return HttpResponseBadRequest("since must be a revision number (0 or more).")
    if appraisal.revision == int(since):
        return HttpResponse(status=204)
    state = _state_or_404(appraisal, acronym)
    previous = previous_values(appraisal, acronym)
    changed = []
    for row in grid.changed_rows(appraisal, state.pa, int(since)):
        code_ = state.code_of(row)
        instance = state.instance(row.sampled_instance_id)
        if not code_ or code_ not in state.result.practices or instance is None:
            continue
        key = (instance.pk, code_)
        by_other = row.updated_by_id != request.user.pk
        changed.append(
            {
                "row": row,
                "code": code_,
                "slug": practice_slug(code_),
                "instance": instance,
                "evidence": state.evidence_counts.get(key, 0),
                "uncovered": key in state.uncovered,
                "previous": previous.get((instance.key, acronym, code_), ""),
                "changed_by": (row.updated_by.username if row.updated_by else "someone")
                if by_other
                else "",
            }
        )
    return render(
        request,
        "assessments/partials/grid_changes.html",
        {
            "appraisal": appraisal,
            "pa": state.pa,
            "changed": changed,
            "rows": [
                {"slug": practice_slug(c), "result": r} for c, r in state.result.practices.items()
            ],
            "goal_rating": state.result.goals,
            "pa_result": state.result,
            "progress": state.progress,
            "total": state.total,
        },
    )


def _conflict_text(current: Characterization) -> str:
    who = current.updated_by.username if current.updated_by else "someone"
    shown = current.value or "unrated"
    return (
        f"Not saved: {who} changed this rating meanwhile. It is now {shown}. "
        "Check it and save again if you still want to change it."
    )


urlpatterns = [
    path("a/<uuid:code>/rate/<str:acronym>/", rate_pa, name="rate_pa"),
    path(
        "a/<uuid:code>/rate/<str:acronym>/cell/<int:instance>/<str:practice>/",
        cell,
        name="cell",
    ),
    path("a/<uuid:code>/rate/<str:acronym>/changes/", grid_changes, name="grid_changes"),
]
