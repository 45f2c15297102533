"""The rating grid of a PA: practices × instances, saved cell by cell through htmx."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from assessments import finding_selectors, services
from assessments.access import appraisal_for
from assessments.engine_input import AppraisalState, load_appraisal_state
from assessments.forms import CellForm
from assessments.models import Characterization, Role, Value
from assessments.views.findings import finding_form
from improvement.selectors import previous_values


def practice_slug(code: str) -> str:
    return code.replace(" ", "-")


def practice_code(slug: str) -> str:
    return slug.replace("-", " ", 1)


def _pa_or_404(state: AppraisalState, acronym: str):
    if acronym not in state.in_scope:
        raise Http404
    return state.catalog.process_areas[acronym]


def _grid_rows(state: AppraisalState, acronym: str) -> list[dict]:
    """The required practices of the PA in goal order, each with its cells and org value."""
    result = state.results.process_areas[acronym]
    instances = state.coverage.get(acronym, [])
    uncovered = state.uncovered_cells
    rows = []
    previous_goal = None
    for code, practice_result in result.practices.items():
        practice = state.catalog.practice(acronym, code)
        goal = practice_result.goal
        rows.append(
            {
                "code": code,
                "slug": practice_slug(code),
                "practice": practice,
                "goal": goal,
                "goal_obj": state.catalog.goal(acronym, goal),
                "goal_rating": result.goals.get(goal),
                "new_goal": goal != previous_goal,
                "result": practice_result,
                "cells": [
                    {
                        "instance": instance,
                        "row": state.cells.get((instance.pk, acronym, code)),
                        "evidence": state.evidence_counts.get((instance.pk, acronym, code), 0),
                        "uncovered": (instance.pk, acronym, code) in uncovered,
                    }
                    for instance in instances
                ],
            }
        )
        previous_goal = goal
    return rows


def _with_previous(rows: list[dict], appraisal, acronym: str) -> list[dict]:
    """Each cell's value in the appraisal this one follows, if any: the grid's quiet "prev:"
    hint of the improvement cycle. One query."""
    previous = previous_values(appraisal)
    for row in rows:
        for cell in row["cells"]:
            cell["previous"] = previous.get((cell["instance"].key, acronym, row["code"]), "")
    return rows


@require_safe
def rate_pa(request: HttpRequest, code, acronym: str) -> HttpResponse:
    appraisal, membership = appraisal_for(request, code)
    state = load_appraisal_state(appraisal)
    pa = _pa_or_404(state, acronym)
    in_scope = state.in_scope
    index = in_scope.index(acronym)
    can_rate = membership.has_role(Role.TEAM_MEMBER) and not appraisal.is_final
    finding_selectors.annotate(state)
    return render(
        request,
        "assessments/rate_pa.html",
        {
            "appraisal": appraisal,
            "membership": membership,
            "current_organisation": appraisal.organisation,
            "state": state,
            "pa": pa,
            "pa_result": state.results.process_areas[acronym],
            "instances": state.coverage.get(acronym, []),
            "rows": _with_previous(_grid_rows(state, acronym), appraisal, acronym),
            "progress": state.progress[acronym],
            "total": state.total_progress,
            "previous_pa": in_scope[index - 1] if index > 0 else None,
            "next_pa": in_scope[index + 1] if index + 1 < len(in_scope) else None,
            "can_rate": can_rate,
            "values": Value.choices,
            "findings": state.findings_for(acronym),
            "finding_form": finding_form(state, acronym, initial=request.GET) if can_rate else None,
        },
    )


def _cell_objects(state: AppraisalState, acronym: str, instance_pk: int, slug: str):
    pa = _pa_or_404(state, acronym)
    code = practice_code(slug)
    if code not in state.results.process_areas[acronym].practices:
        raise Http404
    instance = next((i for i in state.coverage.get(acronym, []) if i.pk == instance_pk), None)
    if instance is None:
        raise Http404
    return pa, code, state.catalog.practice(acronym, code), instance


def _history(row: Characterization | None) -> list:
    if row is None:
        return []
    return list(row.history.select_related("history_user").order_by("-history_date", "-history_id"))


@require_http_methods(["GET", "HEAD", "POST"])
def cell(request: HttpRequest, code, acronym: str, instance: int, practice: str) -> HttpResponse:
    """GET: the panel of one cell (note, evidence, history). POST: save the cell."""
    if request.method == "POST":
        return _cell_save(request, code, acronym, instance, practice)
    appraisal, membership = appraisal_for(request, code)
    state = load_appraisal_state(appraisal)
    pa, code_, practice_obj, instance_obj = _cell_objects(state, acronym, instance, practice)
    row = state.cells.get((instance_obj.pk, acronym, code_))
    return render(
        request,
        "assessments/partials/cell_panel.html",
        _cell_context(appraisal, membership, pa, code_, practice_obj, instance_obj, row),
    )


def _cell_context(appraisal, membership, pa, code, practice, instance, row, **extra) -> dict:
    return {
        "appraisal": appraisal,
        "pa": pa,
        "code": code,
        "slug": practice_slug(code),
        "practice": practice,
        "instance": instance,
        "row": row,
        "can_rate": membership.has_role(Role.TEAM_MEMBER) and not appraisal.is_final,
        "values": Value.choices,
        "history": _history(row),
        "form": extra.pop("form", None),
        **extra,
    }


def _cell_save(request: HttpRequest, code, acronym: str, instance: int, practice: str):
    appraisal, membership = appraisal_for(request, code, Role.TEAM_MEMBER, write=True)
    state = load_appraisal_state(appraisal)
    pa, code_, practice_obj, instance_obj = _cell_objects(state, acronym, instance, practice)
    form = CellForm(request.POST)
    conflict = None
    status = 200
    row = state.cells.get((instance_obj.pk, acronym, code_))
    if not form.is_valid():
        status = 400
    else:
        try:
            row = services.characterization_set(
                appraisal=appraisal,
                instance=instance_obj,
                process_area=pa,
                practice=practice_obj,
                expected_version=form.cleaned_data["version"],
                user=request.user,
                **form.changes(),
            )
        except services.Conflict as error:
            conflict, row, status = error.current, error.current, 409
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
    if not request.htmx:
        if status == 200:
            messages.success(request, f"{acronym} {code_} for {instance_obj.name} saved.")
        else:
            messages.error(request, _conflict_text(conflict) if conflict else "Not saved.")
        return redirect("assessments:rate_pa", code=appraisal.code, acronym=acronym)
    # Re-rate so the org-level value and the progress bars reflect the save.
    state = load_appraisal_state(appraisal, catalog=state.catalog)
    return render(
        request,
        "assessments/partials/cell_saved.html",
        {
            **_cell_context(
                appraisal,
                membership,
                pa,
                code_,
                practice_obj,
                instance_obj,
                row,
                form=form if status == 400 else None,
            ),
            "conflict": conflict,
            "conflict_text": _conflict_text(conflict) if conflict else "",
            "from_panel": request.POST.get("panel") == "1",
            "practice_result": state.results.process_areas[acronym].practices[code_],
            "goal_rating": state.results.process_areas[acronym].goals,
            "progress": state.progress[acronym],
            "total": state.total_progress,
            "can_rate": True,
            "evidence": state.evidence_counts.get((instance_obj.pk, acronym, code_), 0),
            "uncovered": (instance_obj.pk, acronym, code_) in state.uncovered_cells,
        },
        status=status,
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
]
