"""The results page of an appraisal and the lead appraiser's team judgments (DESIGN §4).

The page shows the results of the appraisal's current revision (`load_appraisal_state`, rated
once per revision: assessments/results_cache.py), so it reflects every change of a
characterization, scope or judgment. Method A shows the levels as indicative; methods B and C
show characterizations and goal indications but no maturity or capability level (DESIGN §3).
Viewers and team members read it; only a lead appraiser records or withdraws a judgment, and
never on a final appraisal.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from assessments import rating, services
from assessments.access import appraisal_for
from assessments.engine_input import AppraisalState, load_appraisal_state
from assessments.forms_results import GoalJudgmentForm, PracticeJudgmentForm
from assessments.labels import BLOCKER_REASONS, INVALID_REASONS
from assessments.models import Appraisal, GoalJudgment, Membership, PracticeJudgment, Role
from assessments.results_chart import target_level
from assessments.templatetags.cmmi import rating_label
from assessments.templatetags.results_tags import badge_class

HISTORY_LIMIT = 50
HISTORY_ACTIONS = {"+": "recorded", "~": "changed", "-": "withdrew"}

RECORDED = "{acronym} {code}: judgment recorded ({value})."
WITHDRAWN = "{acronym} {code}: judgment withdrawn."
NOT_RECORDED = "The judgment was not recorded."
CONFLICT = (
    "Not recorded: {who} decided {acronym} {code} meanwhile ({value}: {rationale}). "
    "Check it and record again if you still want to change it."
)
CONFLICT_WITHDRAWN = (
    "Not recorded: the judgment of {acronym} {code} was withdrawn meanwhile. "
    "Check the page and record again."
)


def dom_id(*parts: str) -> str:
    return "-".join(part.replace(" ", "-").replace(".", "-") for part in parts)


def practice_ranges(state: AppraisalState) -> set[tuple[str, str]]:
    """The (PA, practice) pairs whose instances leave the range {LI, PI}, judged or not."""
    return {
        (acronym, code)
        for acronym, result in state.results.process_areas.items()
        for code, practice in result.practices.items()
        if practice.choices
    }


def reviewable_goals(state: AppraisalState) -> set[tuple[str, str]]:
    """The (PA, goal) pairs a goal judgment may settle: under review, or already settled."""
    results = state.results
    return {(r.process_area, r.goal) for r in results.reviews} | {
        (acronym, goal)
        for acronym, result in results.process_areas.items()
        for goal in result.judged_goals
    }


def _breakdown(state: AppraisalState, instances: dict[str, str | None]) -> list[tuple[str, str]]:
    """'FI' -> 'Service desk, Hosting', for the instances of one practice, by value."""
    names = {i.key: i.name for i in state.instances}
    grouped: dict[str, list[str]] = {}
    for key, value in instances.items():
        grouped.setdefault(value or "unrated", []).append(names.get(key, key))
    order = [*rating.PRACTICE_VALUES, "unrated"]
    return [(value, ", ".join(grouped[value])) for value in order if value in grouped]


def _pa_rows(state: AppraisalState) -> list[dict]:
    catalog, results = state.catalog, state.results
    rows = []
    for acronym, result in results.process_areas.items():
        pa = catalog.process_areas[acronym]
        scope = state.scope_items.get(acronym)
        rows.append(
            {
                "pa": pa,
                "result": result,
                "target": target_level(state, acronym),
                "justification": scope.justification if scope else "",
                "goals": [
                    {
                        "code": goal,
                        "rating": goal_rating,
                        "label": rating_label(goal_rating),
                        "badge": badge_class(goal_rating),
                        "judged": goal in result.judged_goals,
                    }
                    for goal, goal_rating in result.goals.items()
                ],
                "badge": badge_class(result.rating),
                "label": rating_label(result.rating),
            }
        )
    rows.sort(key=lambda row: (row["pa"].maturity_level.number, row["pa"].acronym))
    return rows


def _practice_sections(state: AppraisalState) -> list[dict]:
    """Per PA in scope: its required practices with org value and instance values."""
    catalog, results = state.catalog, state.results
    sections = []
    for acronym in state.in_scope:
        result = results.process_areas[acronym]
        instances = sorted(state.coverage.get(acronym, []), key=lambda i: i.key)
        rows = []
        previous_goal = None
        for code, practice in result.practices.items():
            goal = practice.goal
            rows.append(
                {
                    "code": code,
                    "title": catalog.practice(acronym, code).title,
                    "result": practice,
                    "goal": goal if goal != previous_goal else None,
                    "goal_title": catalog.goal(acronym, goal).title,
                    "goal_rating": result.goals.get(goal),
                }
            )
            previous_goal = goal
        values = [p.value for p in result.practices.values()]
        sections.append(
            {
                "pa": catalog.process_areas[acronym],
                "result": result,
                "instances": instances,
                "rows": rows,
                "counts": [(v, values.count(v)) for v in rating.PRACTICE_VALUES if v in values],
                "open": sum(1 for v in values if v is None),
            }
        )
    return sections


def _bound_fields(form, choice_field: str) -> dict:
    """What a refused form showed: its errors, choice and rationale, to show them again."""
    if form is None:
        return {"errors": [], "checked": "", "rationale": ""}
    return {
        "errors": [message for messages_ in form.errors.values() for message in messages_],
        "checked": form.data.get(choice_field, ""),
        "rationale": form.data.get("rationale", ""),
    }


def _version(judgment) -> int:
    return judgment.version if judgment is not None else 0


def _pending(state: AppraisalState, bound: dict) -> list[dict]:
    catalog, results = state.catalog, state.results
    items = []
    for entry in results.pending:
        acronym, code = entry.process_area, entry.practice
        practice = results.process_areas[acronym].practices[code]
        items.append(
            {
                "entry": entry,
                "pa": catalog.process_areas[acronym],
                "practice": catalog.practice(acronym, code),
                "breakdown": _breakdown(state, practice.instances),
                "dom_id": dom_id("pj", acronym, code),
                "version": _version(state.practice_judgments.get((acronym, code))),
                **_bound_fields(bound.get(("practice", acronym, code)), "value"),
            }
        )
    return items


def _reviews(state: AppraisalState, bound: dict) -> list[dict]:
    catalog, results = state.catalog, state.results
    items = []
    for entry in results.reviews:
        acronym, goal = entry.process_area, entry.goal
        practices = results.process_areas[acronym].practices.values()
        items.append(
            {
                "entry": entry,
                "pa": catalog.process_areas[acronym],
                "goal": catalog.goal(acronym, goal),
                "li_practices": [p.code for p in practices if p.goal == goal and p.value == "LI"],
                "dom_id": dom_id("gj", acronym, goal),
                "version": _version(state.goal_judgments.get((acronym, goal))),
                **_bound_fields(bound.get(("goal", acronym, goal)), "rating"),
            }
        )
    return items


def _judgments(state: AppraisalState) -> list[dict]:
    """Every recorded judgment, flagged where the engine ignores it."""
    catalog = state.catalog
    invalid = {(j.kind, j.process_area, j.code): j.reason for j in state.results.invalid_judgments}
    items = []
    for kind, judgments in (("practice", state.practice_judgments), ("goal", state.goal_judgments)):
        for (acronym, code), judgment in judgments.items():
            target = catalog.practice(acronym, code) if kind == "practice" else None
            if kind == "goal":
                target = catalog.goal(acronym, code)
            reason = invalid.get((kind, acronym, code))
            items.append(
                {
                    "kind": kind,
                    "acronym": acronym,
                    "code": code,
                    "title": target.title if target else "",
                    "value": judgment.value if kind == "practice" else judgment.rating,
                    "judgment": judgment,
                    "invalid": INVALID_REASONS[reason].format(what=kind) if reason else "",
                    "withdraw_url": reverse(
                        f"assessments:{kind}_judgment_withdraw",
                        args=[state.appraisal.code, judgment.pk],
                    ),
                }
            )
    items.sort(key=lambda i: (i["acronym"], rating.code_sort_key(i["code"]), i["kind"]))
    return items


def _history(state: AppraisalState) -> list[dict]:
    """The latest recorded, changed and withdrawn judgments (django-simple-history): 2 queries,
    read as tuples (historical model instances cost more than the rest of the list)."""
    catalog = state.catalog
    acronyms = {pa.pk: acronym for acronym, pa in catalog.process_areas.items()}
    sp_codes = {sp.pk: code for (_, code), sp in catalog.specific_practices.items()}
    gp_codes = {gp.pk: code for code, gp in catalog.generic_practices.items()}
    sg_codes = {g.pk: code for (acr, code), g in catalog.goals.items() if acr}
    gg_codes = {g.pk: g.code for g in catalog.generic_goals}
    entries = []
    for model, specific, generic, value_field, specific_codes, generic_codes in (
        (
            PracticeJudgment,
            "specific_practice_id",
            "generic_practice_id",
            "value",
            sp_codes,
            gp_codes,
        ),
        (GoalJudgment, "specific_goal_id", "generic_goal_id", "rating", sg_codes, gg_codes),
    ):
        rows = (
            model.history.filter(appraisal_id=state.appraisal.pk)
            .order_by("-history_date", "-history_id")
            .values_list(
                "history_date",
                "history_user__username",
                "history_type",
                "process_area_id",
                specific,
                generic,
                value_field,
                "rationale",
            )[:HISTORY_LIMIT]
        )
        for at, username, kind, pa_id, specific_id, generic_id, value, rationale in rows:
            entries.append(
                {
                    "at": at,
                    "username": username or "",
                    "action": HISTORY_ACTIONS.get(kind, kind),
                    "acronym": acronyms.get(pa_id, "?"),
                    "code": specific_codes.get(specific_id) or generic_codes.get(generic_id, "?"),
                    "value": value,
                    "rationale": rationale,
                }
            )
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries[:HISTORY_LIMIT]


def _blockers(state: AppraisalState) -> list[dict]:
    """The engine's blockers, each with the practices already PI/NI ("SP 1.1 PI"): certain
    failures the team can work on before the rest of the goal is rated."""
    items = []
    for blocker in state.results.blockers:
        practices = state.results.process_areas[blocker.process_area].practices
        items.append(
            {
                "blocker": blocker,
                "pa": state.catalog.process_areas[blocker.process_area],
                "reason": BLOCKER_REASONS.get(blocker.reason, blocker.reason),
                "failing": [(code, practices[code].value) for code in blocker.failing_practices],
            }
        )
    return items


def _render(
    request: HttpRequest,
    appraisal: Appraisal,
    membership: Membership,
    state: AppraisalState,
    *,
    bound: dict | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    results = state.results
    staged = results.representation == rating.STAGED
    level = results.maturity_level if staged else results.equivalent_maturity_level
    context = {
        "appraisal": appraisal,
        "membership": membership,
        "current_organisation": appraisal.organisation,
        "state": state,
        "results": results,
        "staged": staged,
        "shows_levels": appraisal.shows_levels,
        "goal_counts": _goal_counts(results),
        "level": level,
        "level_name": _maturity_level_name(state, level),
        "beyond_target": staged
        and results.next_level is not None
        and results.next_level > (appraisal.target_maturity_level or 0),
        "can_judge": membership.has_role(Role.LEAD_APPRAISER) and not appraisal.is_final,
        "pa_rows": _pa_rows(state),
        "sections": _practice_sections(state),
        "pending": _pending(state, bound),
        "reviews": _reviews(state, bound),
        "judgments": _judgments(state),
        "invalid_count": len(results.invalid_judgments),
        "history": _history(state),
        "blockers": _blockers(state),
        "errors": errors or [],
        "practice_choices": PracticeJudgment.Choice.choices,
        "goal_choices": GoalJudgment.Rating.choices,
        "practice_judgment_url": reverse("assessments:practice_judgment", args=[appraisal.code]),
        "goal_judgment_url": reverse("assessments:goal_judgment", args=[appraisal.code]),
    }
    return render(request, "assessments/results.html", context, status=status)


def _goal_counts(results: rating.Results) -> list[tuple[str, int]]:
    """How many required goals are satisfied, unsatisfied and not rated: the goal indications of
    a method B or C appraisal."""
    ratings = [r for pa in results.process_areas.values() for r in pa.goals.values()]
    order = (rating.SATISFIED, rating.UNSATISFIED, rating.NOT_RATED)
    return [(value, ratings.count(value)) for value in order]


def _maturity_level_name(state: AppraisalState, level: int | None) -> str:
    if level is None:
        return ""
    return state.catalog.maturity_level_names.get(level, "")


@require_safe
def results(request: HttpRequest, code) -> HttpResponse:
    appraisal, membership = appraisal_for(request, code)
    return _render(request, appraisal, membership, load_appraisal_state(appraisal))


def _results_url(appraisal: Appraisal, anchor: str = "judgments") -> str:
    return reverse("assessments:results", args=[appraisal.code]) + f"#{anchor}"


def _record_judgment(
    request: HttpRequest,
    code,
    *,
    kind: str,
    form_class,
    allowed,
    target_field: str,
    value_field: str,
    save,
) -> HttpResponse:
    """Validate a judgment form against what the rules leave open now, then save it.

    On a bad form the results page is rendered again with that form bound (status 400).
    """
    appraisal, membership = appraisal_for(request, code, Role.LEAD_APPRAISER, write=True)
    state = load_appraisal_state(appraisal)
    form = form_class(request.POST, allowed=allowed(state))
    if form.is_valid():
        acronym, target = form.cleaned_data["process_area"], form.cleaned_data[target_field]
        value = form.cleaned_data[value_field]
        try:
            save(
                appraisal=appraisal,
                process_area=state.catalog.process_areas[acronym],
                state=state,
                acronym=acronym,
                target=target,
                value=value,
                rationale=form.cleaned_data["rationale"],
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except services.Conflict as conflict:
            return _render(
                request,
                appraisal,
                membership,
                load_appraisal_state(appraisal, catalog=state.catalog),
                errors=[_conflict_text(conflict.current, acronym, target)],
                status=409,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, RECORDED.format(acronym=acronym, code=target, value=value))
            return redirect(_results_url(appraisal))
    key = (kind, request.POST.get("process_area"), request.POST.get(target_field))
    return _render(
        request,
        appraisal,
        membership,
        state,
        bound={key: form},
        errors=[NOT_RECORDED, *_bound_fields(form, "")["errors"]],
        status=400,
    )


def _conflict_text(current, acronym: str, code: str) -> str:
    if current is None:
        return CONFLICT_WITHDRAWN.format(acronym=acronym, code=code)
    who = current.decided_by.username if current.decided_by else "someone"
    value = current.value if isinstance(current, PracticeJudgment) else current.rating
    return CONFLICT.format(
        who=who, acronym=acronym, code=code, value=value, rationale=current.rationale
    )


@require_POST
def practice_judgment(request: HttpRequest, code) -> HttpResponse:
    """Record (or change) the LI/PI judgment of a practice range (DESIGN §4.1)."""

    def save(*, appraisal, process_area, state, acronym, target, value, rationale, user, **kw):
        services.practice_judgment_set(
            appraisal=appraisal,
            process_area=process_area,
            practice=state.catalog.practice(acronym, target),
            value=value,
            rationale=rationale,
            user=user,
            **kw,
        )

    return _record_judgment(
        request,
        code,
        kind="practice",
        form_class=PracticeJudgmentForm,
        allowed=practice_ranges,
        target_field="practice",
        value_field="value",
        save=save,
    )


@require_POST
def goal_judgment(request: HttpRequest, code) -> HttpResponse:
    """Settle a goal under review: satisfied, or turned unsatisfied (DESIGN §4.2)."""

    def save(*, appraisal, process_area, state, acronym, target, value, rationale, user, **kw):
        services.goal_judgment_set(
            appraisal=appraisal,
            process_area=process_area,
            goal=state.catalog.goal(acronym, target),
            rating=value,
            rationale=rationale,
            user=user,
            **kw,
        )

    return _record_judgment(
        request,
        code,
        kind="goal",
        form_class=GoalJudgmentForm,
        allowed=reviewable_goals,
        target_field="goal",
        value_field="rating",
        save=save,
    )


def _withdraw(request: HttpRequest, code, queryset, pk: int, label) -> HttpResponse:
    appraisal, _ = appraisal_for(request, code, Role.LEAD_APPRAISER, write=True)
    judgment = get_object_or_404(queryset, pk=pk, appraisal=appraisal)
    services.judgment_delete(judgment=judgment, user=request.user)
    messages.success(
        request, WITHDRAWN.format(acronym=judgment.process_area.acronym, code=label(judgment))
    )
    return redirect(_results_url(appraisal))


@require_POST
def practice_judgment_withdraw(request: HttpRequest, code, pk: int) -> HttpResponse:
    queryset = PracticeJudgment.objects.select_related(
        "process_area", "specific_practice__goal", "generic_practice__generic_goal"
    )
    return _withdraw(request, code, queryset, pk, lambda j: j.practice_code)


@require_POST
def goal_judgment_withdraw(request: HttpRequest, code, pk: int) -> HttpResponse:
    queryset = GoalJudgment.objects.select_related("process_area", "specific_goal", "generic_goal")
    return _withdraw(request, code, queryset, pk, lambda j: j.goal_code)


urlpatterns = [
    path("a/<uuid:code>/results/", results, name="results"),
    path(
        "a/<uuid:code>/results/judgments/practice/",
        practice_judgment,
        name="practice_judgment",
    ),
    path("a/<uuid:code>/results/judgments/goal/", goal_judgment, name="goal_judgment"),
    path(
        "a/<uuid:code>/results/judgments/practice/<int:pk>/withdraw/",
        practice_judgment_withdraw,
        name="practice_judgment_withdraw",
    ),
    path(
        "a/<uuid:code>/results/judgments/goal/<int:pk>/withdraw/",
        goal_judgment_withdraw,
        name="goal_judgment_withdraw",
    ),
]
