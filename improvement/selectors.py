"""Reads of the improvement pages, each with its queries fixed in one place."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from assessments.engine_input import load_appraisal_state, load_catalog
from assessments.models import Appraisal, Characterization, Organisation
from improvement import compare, rules
from improvement.models import ActionTarget, ChangeProposal, ImprovementAction
from models_catalog.models import ModelVariant

TARGETS = Prefetch(
    "targets",
    queryset=ActionTarget.objects.select_related(
        "process_area__maturity_level",
        "specific_goal",
        "generic_goal",
        "specific_practice__goal",
        "generic_practice__generic_goal",
    ),
)


def actions_queryset(organisation: Organisation) -> QuerySet[ImprovementAction]:
    """Actions with owner, targets and findings: four queries however many there are."""
    return (
        ImprovementAction.objects.filter(organisation=organisation)
        .select_related("owner", "organisation", "source_appraisal")
        .prefetch_related(TARGETS, "findings")
    )


def rule_targets(action: ImprovementAction) -> list[rules.Target]:
    return [
        rules.Target(
            process_area=t.process_area.acronym,
            maturity_level=t.process_area.maturity_level.number,
            goal=t.goal_code,
            practice=t.practice_code,
        )
        for t in action.targets.all()
    ]


@dataclass
class Filters:
    status: str = ""
    process_area: str = ""
    owner: int | None = None
    overdue: bool = False


@dataclass
class PaProgress:
    acronym: str
    name: str
    maturity_level: int
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class Plan:
    organisation: Organisation
    today: datetime.date
    actions: list[ImprovementAction]
    by_status: list[tuple[str, str, list[ImprovementAction]]]
    by_pa: list[tuple[PaProgress, list[ImprovementAction]]]
    overdue: set[int]
    suggested: set[int]
    next_appraisal: Appraisal | None
    timeline: dict[str, Any]
    owners: list[Any] = field(default_factory=list)
    process_areas: list[tuple[str, str]] = field(default_factory=list)


def _passes(action: ImprovementAction, filters: Filters, overdue: bool) -> bool:
    if filters.status and action.status != filters.status:
        return False
    if filters.owner and action.owner_id != filters.owner:
        return False
    if filters.overdue and not overdue:
        return False
    if filters.process_area:
        return any(t.process_area.acronym == filters.process_area for t in action.targets.all())
    return True


def next_appraisal_for_verification(organisation: Organisation) -> Appraisal | None:
    """The organisation's latest appraisal started as the next one of another (the re-appraisal
    whose ratings may verify actions), or None."""
    return (
        Appraisal.objects.filter(organisation=organisation, lineage__isnull=False)
        .select_related("variant__constellation", "organisation", "lineage")
        .order_by("-created_at", "-id")
        .first()
    )


def plan(organisation: Organisation, *, filters: Filters, today: datetime.date) -> Plan:
    """The improvement plan: actions grouped by status and by PA, overdue ones, a progress figure
    per PA (deployed or verified over all but dropped), the timeline, and the actions the next
    appraisal suggests verifying (DESIGN §3). A fixed number of queries: four for the actions,
    one for the next appraisal and, when there is one, the queries that rate it.
    """
    everything = list(actions_queryset(organisation).order_by("due_date", "id"))
    overdue_ids = {a.pk for a in everything if rules.is_overdue(a.status, a.due_date, today)}
    actions = [a for a in everything if _passes(a, filters, a.pk in overdue_ids)]
    actions.sort(key=lambda a: (a.priority, a.due_date or datetime.date.max, a.pk))

    next_app = next_appraisal_for_verification(organisation)
    suggested: set[int] = set()
    if next_app is not None:
        results = load_appraisal_state(next_app).results.to_dict(extended=False)
        suggested = {
            action.pk
            for action in everything
            if action.status in (rules.DEPLOYED, rules.IN_PROGRESS)
            and action.source_appraisal_id != next_app.pk
            and rules.verification_suggested(rule_targets(action), results)
        }

    by_status = [
        (status, ImprovementAction.Status(status).label, [a for a in actions if a.status == status])
        for status in rules.STATUS_ORDER
    ]
    pas: dict[str, PaProgress] = {}
    grouped: dict[str, list[ImprovementAction]] = defaultdict(list)
    for action in actions:
        for acronym in sorted({t.process_area.acronym for t in action.targets.all()}):
            target = next(t for t in action.targets.all() if t.process_area.acronym == acronym)
            progress = pas.setdefault(
                acronym,
                PaProgress(
                    acronym, target.process_area.name, target.process_area.maturity_level.number
                ),
            )
            grouped[acronym].append(action)
            if action.status == rules.DROPPED:
                continue
            progress.total += 1
            progress.done += action.status in rules.DONE
            progress.overdue += action.pk in overdue_ids
    by_pa = [
        (progress, grouped[acronym])
        for acronym, progress in sorted(
            pas.items(), key=lambda item: (item[1].maturity_level, item[0])
        )
    ]
    owners = sorted({a.owner for a in everything if a.owner is not None}, key=lambda u: u.username)
    pa_choices = sorted(
        {(t.process_area.acronym, t.process_area.name) for a in everything for t in a.targets.all()}
    )
    return Plan(
        organisation=organisation,
        today=today,
        actions=actions,
        by_status=by_status,
        by_pa=by_pa,
        overdue=overdue_ids,
        suggested=suggested,
        next_appraisal=next_app,
        timeline=timeline(actions, today, overdue_ids),
        owners=owners,
        process_areas=pa_choices,
    )


# Timeline geometry, in viewBox units (the SVG scales to the page width).
TL_LEFT, TL_RIGHT, TL_TOP, TL_ROW, TL_AXIS = 230, 50, 30, 22, 30
TL_WIDTH = 900
STATUS_COLOURS = {
    rules.PROPOSED: "#adb5bd",
    rules.PLANNED: "#6ea8fe",
    rules.IN_PROGRESS: "#0d6efd",
    rules.DEPLOYED: "#20c997",
    rules.VERIFIED: "#198754",
    rules.DROPPED: "#6c757d",
}


def timeline(
    actions: list[ImprovementAction], today: datetime.date, overdue: set[int]
) -> dict[str, Any]:
    """Geometry of the timeline chart: one row per action with a due date, a bar from its
    creation to its due date, a dot at the due date coloured by status; a line for today and a
    tick per month. Server-rendered SVG (no script), so the PDF draws the same chart."""
    dated = sorted((a for a in actions if a.due_date), key=lambda a: (a.due_date, a.pk))
    if not dated:
        return {"rows": [], "height": 0}
    starts = [min(a.created_at.date(), a.due_date) for a in dated]
    first = min([*starts, today])
    last = max([a.due_date for a in dated] + [today])
    first = first.replace(day=1)
    last = (last.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    span = max((last - first).days, 1)
    inner = TL_WIDTH - TL_LEFT - TL_RIGHT

    def x(day: datetime.date) -> int:
        return TL_LEFT + round(inner * (day - first).days / span)

    rows = []
    for index, (action, start) in enumerate(zip(dated, starts, strict=True)):
        y = TL_TOP + index * TL_ROW
        rows.append(
            {
                "action": action,
                "y": y,
                "text_y": y + 4,
                "x1": x(start),
                "x2": x(action.due_date),
                "colour": STATUS_COLOURS[action.status],
                "overdue": action.pk in overdue,
                "label": action.title if len(action.title) <= 34 else action.title[:33] + "…",
            }
        )
    ticks = []
    month = first
    while month <= last:
        ticks.append({"x": x(month), "label": month.strftime("%b %Y")})
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    height = TL_TOP + len(rows) * TL_ROW + TL_AXIS
    return {
        "rows": rows,
        "ticks": ticks,
        "today_x": x(today),
        "width": TL_WIDTH,
        "height": height,
        "axis_y": height - TL_AXIS + 6,
        "tick_label_y": height - TL_AXIS + 20,
        "legend": [(ImprovementAction.Status(s).label, c) for s, c in STATUS_COLOURS.items()],
    }


def proposals(organisation: Organisation) -> list[ChangeProposal]:
    return list(
        ChangeProposal.objects.filter(organisation=organisation).select_related(
            "process_area",
            "specific_practice__goal",
            "generic_practice__generic_goal",
            "proposed_by",
            "decided_by",
            "action",
        )
    )


def org_variant(
    organisation: Organisation, appraisal: Appraisal | None = None
) -> ModelVariant | None:
    """The model variant against which targets of an organisation's actions are written: the
    given appraisal's, else the organisation's latest appraisal's."""
    if appraisal is not None:
        return appraisal.variant
    latest = (
        Appraisal.objects.filter(organisation=organisation)
        .select_related("variant__constellation")
        .order_by("-created_at", "-id")
        .first()
    )
    return latest.variant if latest else None


def org_catalog(organisation: Organisation, appraisal: Appraisal | None = None):
    variant = org_variant(organisation, appraisal)
    return load_catalog(variant) if variant else None


def comparable_appraisals(appraisal: Appraisal) -> list[Appraisal]:
    """Other appraisals of the same organisation and constellation, newest first."""
    return list(
        Appraisal.objects.filter(
            organisation=appraisal.organisation,
            variant__constellation=appraisal.variant.constellation,
        )
        .exclude(pk=appraisal.pk)
        .select_related("variant")
        .order_by("-created_at", "-id")
    )


def appraisal_date(appraisal: Appraisal) -> datetime.date:
    return appraisal.end_date or appraisal.start_date or appraisal.created_at.date()


def chronological(a: Appraisal, b: Appraisal) -> tuple[Appraisal, Appraisal]:
    """(older, newer) by end date (else start date, else creation)."""
    key = lambda x: (appraisal_date(x), x.created_at, x.pk)  # noqa: E731
    return (a, b) if key(a) <= key(b) else (b, a)


def comparison(old: Appraisal, new: Appraisal) -> dict[str, Any]:
    """Both appraisals rated and diffed (DESIGN §6), with the rows the page shows."""
    old_results = load_appraisal_state(old).results.to_dict(extended=False)
    new_state = load_appraisal_state(new)
    data = compare.compare_results(old_results, new_state.results.to_dict(extended=False))
    names = {acr: pa.name for acr, pa in new_state.catalog.process_areas.items()}
    levels = {acr: pa.maturity_level.number for acr, pa in new_state.catalog.process_areas.items()}
    staged = new.representation == "staged"
    key = "maturity_level" if staged else "equivalent_maturity_level"
    level_from, level_to = data["from"][key], data["to"][key]
    rows = []
    for acronym, pa in data["process_areas"].items():
        before, after = pa["from"] or {}, pa["to"] or {}
        cl_way = compare.classify(
            "level", before.get("capability_level"), after.get("capability_level")
        )
        rating_way = compare.classify("rating", before.get("rating"), after.get("rating"))
        rows.append(
            {
                "acronym": acronym,
                "name": names.get(acronym, ""),
                "maturity_level": levels.get(acronym),
                "from": pa["from"],
                "to": pa["to"],
                "way": "unchanged"
                if pa["from"] == pa["to"]
                else cl_way
                if cl_way != compare.CHANGED
                else rating_way,
                "goals": [
                    (code, old_v, new_v, compare.classify("rating", old_v, new_v))
                    for code, (old_v, new_v) in pa["goals"].items()
                ],
                "practices": [
                    (code, old_v, new_v, compare.classify("practice", old_v, new_v))
                    for code, (old_v, new_v) in pa["practices"].items()
                ],
            }
        )
    rows.sort(key=lambda r: (r["maturity_level"] or 9, r["acronym"]))
    return {
        "data": data,
        "staged": staged,
        "level_from": level_from,
        "level_to": level_to,
        "level_way": "unchanged"
        if level_from == level_to
        else compare.classify("level", level_from, level_to),
        "summary": compare.summary(data),
        "rows": rows,
    }


def previous_values(
    appraisal: Appraisal, acronym: str | None = None
) -> dict[tuple[str, str, str], str]:
    """{(instance key, PA, practice code): value} of the appraisal this one follows (the grid's
    quiet "prev:" hint), of one PA if `acronym` is given; empty when it follows none. One
    query."""
    only = {"process_area__acronym": acronym} if acronym else {}
    rows = (
        Characterization.objects.filter(appraisal__next_lineages__appraisal=appraisal, **only)
        .exclude(value="")
        .order_by()
        .values_list(
            "sampled_instance__key",
            "process_area__acronym",
            "specific_practice__goal__number",
            "specific_practice__number",
            "generic_practice__generic_goal__number",
            "generic_practice__number",
            "value",
        )
    )
    values = {}
    for key, acronym, sg, sp, gg, gp, value in rows:
        code = f"SP {sg}.{sp}" if sp is not None else f"GP {gg}.{gp}"
        values[(key, acronym, code)] = value
    return values
