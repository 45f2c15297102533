"""The rating grid of one PA, read alone: what its page, its cell panel, a cell save and the
live grid's "changes since" show, in a fixed number of indexed queries.

Nothing here reads or rates the whole appraisal: the PA's own rows are read (cells, judgments,
evidence links), the PA is rated by `rating.rate_process_area`, and the appraisal-wide progress
comes from count queries. The cost grows with the PA's cells, never with the other PAs'.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse

from assessments import coverage as evidence_coverage
from assessments import rating
from assessments.engine_input import (
    Catalog,
    Progress,
    appraisal_input,
    load_catalog,
    load_evidence,
    required_practices,
)
from assessments.models import (
    Appraisal,
    Characterization,
    Finding,
    GoalJudgment,
    Instance,
    PracticeJudgment,
    ScopeItem,
)

# The panel shows the newest history entries of a cell; older ones are counted, not drawn.
HISTORY_SHOWN = 20


def practice_slug(code: str) -> str:
    return code.replace(" ", "-")


def practice_code(slug: str) -> str:
    return slug.replace("-", " ", 1)


@dataclass
class PAState:
    """One PA of an appraisal, rated alone, with the appraisal's progress.

    Keys are (instance pk, practice code). `coverage` and `results` are shaped like
    `engine_input.AppraisalState`'s so that the finding form reads either.
    """

    appraisal: Appraisal
    catalog: Catalog
    acronym: str
    instances: list[Instance]  # those covering the PA, in the grid's column order
    values: dict[tuple[int, str], str]
    evidence_counts: dict[tuple[int, str], int]
    practice_judgments: dict[str, PracticeJudgment]
    goal_judgments: dict[str, GoalJudgment]
    result: rating.PAResult
    uncovered: set[tuple[int, str]]
    progress: Progress
    total: Progress
    in_scope: list[str]
    rows: dict[tuple[int, str], Characterization] = field(default_factory=dict)

    @property
    def pa(self):
        return self.catalog.process_areas[self.acronym]

    @property
    def coverage(self) -> dict[str, list[Instance]]:
        return {self.acronym: self.instances}

    @property
    def results(self) -> SimpleNamespace:
        return SimpleNamespace(process_areas={self.acronym: self.result})

    def instance(self, pk: int) -> Instance | None:
        return next((i for i in self.instances if i.pk == pk), None)

    def code_of(self, row: Characterization) -> str:
        """The practice code of one of the PA's rows, from the catalog: no query."""
        sp_code, gp_code = _codes(self.catalog, self.acronym)
        if row.specific_practice_id:
            return sp_code.get(row.specific_practice_id, "")
        return gp_code.get(row.generic_practice_id, "")


def _scope_items(appraisal: Appraisal, catalog: Catalog) -> dict[str, ScopeItem]:
    by_id = {pa.pk: acronym for acronym, pa in catalog.process_areas.items()}
    return {
        by_id[item.process_area_id]: item
        for item in ScopeItem.objects.filter(appraisal=appraisal).order_by()
        if item.process_area_id in by_id
    }


def _codes(catalog: Catalog, acronym: str):
    """(sp pk -> code, gp pk -> code) of one PA."""
    sp = {p.pk: code for (acr, code), p in catalog.specific_practices.items() if acr == acronym}
    gp = {p.pk: code for code, p in catalog.generic_practices.items()}
    return sp, gp


def _progress(appraisal, catalog, scope_items, in_scope_practices) -> dict[str, Progress]:
    """Rated and total cells of every PA in scope, from two count queries: how many instances
    cover each PA, and the rated cells by PA and generic practice (specific practices
    together), counting only cells of covering instances."""
    by_id = {pa.pk: acronym for acronym, pa in catalog.process_areas.items()}
    gp_code = {p.pk: code for code, p in catalog.generic_practices.items()}
    through = Instance.process_areas.through.objects
    covering = dict(
        through.filter(instance__appraisal=appraisal)
        .order_by()
        .values("processarea_id")
        .annotate(n=Count("instance_id"))
        .values_list("processarea_id", "n")
    )
    rated: dict[str, int] = defaultdict(int)
    counts = (
        Characterization.objects.filter(appraisal=appraisal)
        .exclude(value="")
        .filter(
            Exists(
                through.filter(
                    instance_id=OuterRef("sampled_instance_id"),
                    processarea_id=OuterRef("process_area_id"),
                )
            )
        )
        .order_by()
        .values("process_area_id", "generic_practice_id")
        .annotate(n=Count("id"))
        .values_list("process_area_id", "generic_practice_id", "n")
    )
    for pa_id, gp_id, n in counts:
        acronym = by_id.get(pa_id)
        practices = in_scope_practices.get(acronym)
        # Specific practices of a PA in scope are all required; generic ones up to the target.
        if practices is not None and (gp_id is None or gp_code.get(gp_id) in practices):
            rated[acronym] += n
    return {
        acronym: Progress(
            rated=rated[acronym],
            total=len(practices) * covering.get(catalog.process_areas[acronym].pk, 0),
        )
        for acronym, practices in in_scope_practices.items()
    }


def pa_state(
    appraisal: Appraisal, acronym: str, *, catalog: Catalog | None = None, rows: bool = False
) -> PAState | None:
    """The PA rated alone, or None when the appraisal does not rate it (unknown, out of scope,
    not applicable). `rows=True` also reads the PA's full cell rows with who saved them (the
    grid page); otherwise only their values. Nine queries (plus seven for the catalog)."""
    catalog = catalog or load_catalog(appraisal.variant)
    pa = catalog.process_areas.get(acronym)
    if pa is None:
        return None
    scope_items = _scope_items(appraisal, catalog)
    in_scope_practices = {}
    for acr in catalog.process_areas:
        practices = required_practices(catalog, appraisal, scope_items, acr)
        if practices:
            in_scope_practices[acr] = practices
    if acronym not in in_scope_practices:
        return None
    instances = list(Instance.objects.filter(appraisal=appraisal, process_areas=pa))
    keys = {i.pk: i.key for i in instances}
    sp_code, gp_code = _codes(catalog, acronym)

    def code_of(sp_id, gp_id) -> str:
        return sp_code.get(sp_id, "") if sp_id else gp_code.get(gp_id, "")

    cells = Characterization.objects.filter(appraisal=appraisal, process_area=pa).order_by()
    full_rows: dict[tuple[int, str], Characterization] = {}
    values: dict[tuple[int, str], str] = {}
    if rows:
        for row in cells.select_related("updated_by"):
            key = (
                row.sampled_instance_id,
                code_of(row.specific_practice_id, row.generic_practice_id),
            )
            if key[0] in keys and key[1]:
                full_rows[key] = row
                if row.value:
                    values[key] = row.value
    else:
        listed = cells.exclude(value="").values_list(
            "sampled_instance_id", "specific_practice_id", "generic_practice_id", "value"
        )
        for instance_id, sp_id, gp_id, value in listed:
            code = code_of(sp_id, gp_id)
            if instance_id in keys and code:
                values[(instance_id, code)] = value
    practice_judgments = {
        code_of(j.specific_practice_id, j.generic_practice_id): j
        for j in PracticeJudgment.objects.filter(appraisal=appraisal, process_area=pa)
        .select_related("decided_by")
        .order_by()
    }
    goal_code = {g.pk: g.code for g in pa.variant_goals}
    gg_code = {g.pk: g.code for g in catalog.generic_goals}
    goal_judgments = {
        goal_code.get(j.specific_goal_id, "")
        if j.specific_goal_id
        else gg_code[j.generic_goal_id]: j
        for j in GoalJudgment.objects.filter(appraisal=appraisal, process_area=pa)
        .select_related("decided_by")
        .order_by()
    }
    evidence, counts = load_evidence(appraisal, {pa.pk: pa}, code_of, process_area=pa)
    evidence_counts = {(pk, code): n for (pk, _, code), n in counts.items() if pk in keys}
    engine_input = appraisal_input(
        appraisal,
        scope_items,
        {acronym: instances},
        {(pk, acronym, code): value for (pk, code), value in values.items()},
        keys,
        {(acronym, code): j for code, j in practice_judgments.items() if code},
        {(acronym, code): j for code, j in goal_judgments.items() if code},
        evidence,
    )
    result = rating.rate_process_area(catalog.model_spec(only=acronym), engine_input, acronym)
    pk_of = {key: pk for pk, key in keys.items()}
    uncovered = {
        (pk_of[cell.instance], cell.practice)
        for cell in evidence_coverage.uncovered_cells(engine_input, {acronym: result.practices})
    }
    progress = _progress(appraisal, catalog, scope_items, in_scope_practices)
    return PAState(
        appraisal=appraisal,
        catalog=catalog,
        acronym=acronym,
        instances=instances,
        values=values,
        evidence_counts=evidence_counts,
        practice_judgments=practice_judgments,
        goal_judgments=goal_judgments,
        result=result,
        uncovered=uncovered,
        progress=progress[acronym],
        total=Progress(
            rated=sum(p.rated for p in progress.values()),
            total=sum(p.total for p in progress.values()),
        ),
        in_scope=list(in_scope_practices),
        rows=full_rows,
    )


def grid_rows(state: PAState, previous: dict[tuple[str, str, str], str]) -> list[dict]:
    """The required practices of the PA in goal order, each with its cells and org value;
    `previous` is improvement.selectors.previous_values (the "prev:" hint)."""
    acronym, catalog = state.acronym, state.catalog
    # One reverse() for the page instead of one {% url %} per cell (540 in a 20-instance grid).
    pattern = reverse(
        "assessments:cell", args=[state.appraisal.code, acronym, 987654321, "PRACTICE"]
    )
    rows = []
    previous_goal = None
    for code, practice_result in state.result.practices.items():
        goal = practice_result.goal
        rows.append(
            {
                "code": code,
                "slug": practice_slug(code),
                "practice": catalog.practice(acronym, code),
                "goal": goal,
                "goal_obj": catalog.goal(acronym, goal),
                "goal_rating": state.result.goals.get(goal),
                "new_goal": goal != previous_goal,
                "result": practice_result,
                "cells": [
                    {
                        "instance": instance,
                        "row": state.rows.get((instance.pk, code)),
                        "evidence": state.evidence_counts.get((instance.pk, code), 0),
                        "uncovered": (instance.pk, code) in state.uncovered,
                        "previous": previous.get((instance.key, acronym, code), ""),
                        "url": pattern.replace("987654321", str(instance.pk)).replace(
                            "PRACTICE", practice_slug(code)
                        ),
                    }
                    for instance in state.instances
                ],
            }
        )
        previous_goal = goal
    return rows


def pa_findings(appraisal: Appraisal, acronym: str) -> list[Finding]:
    """The PA's findings with what their list shows, each with `goal_code` and `instance`."""
    findings = list(
        Finding.objects.filter(appraisal=appraisal, process_area__acronym=acronym).select_related(
            "process_area",
            "specific_goal",
            "generic_goal",
            "specific_practice__goal",
            "generic_practice__generic_goal",
            "sampled_instance",
            "author",
        )
    )
    for finding in findings:
        if finding.specific_goal_id:
            finding.goal_code = finding.specific_goal.code
        elif finding.generic_goal_id:
            finding.goal_code = finding.generic_goal.code
        elif finding.specific_practice_id:
            finding.goal_code = finding.specific_practice.goal.code
        elif finding.generic_practice_id:
            finding.goal_code = finding.generic_practice.generic_goal.code
        else:
            finding.goal_code = ""
        finding.instance = finding.sampled_instance
    return findings


@dataclass
class CellTarget:
    """One cell of the grid, checked: its PA is rated, its practice required, its instance
    covers the PA. `row` is None for a cell never saved."""

    catalog: Catalog
    pa: object
    code: str
    practice: object
    instance: Instance
    row: Characterization | None


def cell_target(
    appraisal: Appraisal, acronym: str, instance_pk: int, slug: str, *, catalog=None
) -> CellTarget | None:
    """The cell, or None when the grid has no such cell. Three queries plus the catalog's: the
    scope item, the covering instance, the row with who saved it."""
    catalog = catalog or load_catalog(appraisal.variant)
    pa = catalog.process_areas.get(acronym)
    code = practice_code(slug)
    if pa is None:
        return None
    scope = ScopeItem.objects.filter(appraisal=appraisal, process_area=pa).first()
    scope_items = {acronym: scope} if scope else {}
    if code not in required_practices(catalog, appraisal, scope_items, acronym):
        return None
    instance = Instance.objects.filter(
        appraisal=appraisal, pk=instance_pk, process_areas=pa
    ).first()
    if instance is None:
        return None
    practice = catalog.practice(acronym, code)
    field_name = "generic_practice" if code.startswith("GP") else "specific_practice"
    row = (
        Characterization.objects.filter(
            sampled_instance=instance, process_area=pa, **{field_name: practice}
        )
        .select_related("updated_by")
        .order_by()
        .first()
    )
    return CellTarget(catalog, pa, code, practice, instance, row)


def cell_history(row: Characterization | None, limit: int = HISTORY_SHOWN) -> tuple[list, int]:
    """The newest `limit` history entries of a cell, newest first, each with `previous` (the
    entry before it, or None), and how many older entries are not shown. Two queries whatever
    the length of the history: the entries with their users, and the count."""
    if row is None:
        return [], 0
    entries = list(
        row.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    for entry, older in zip(entries, entries[1:] + [None], strict=True):
        entry.previous = older
    shown = entries[:limit]
    # Counted even when all are shown, so that the query count never depends on the history.
    earlier = row.history.count() - len(shown)
    return shown, earlier


def changed_rows(appraisal: Appraisal, pa, since: int) -> list[Characterization]:
    """The PA's cells saved after revision `since`, with who saved them: one indexed query."""
    return list(
        Characterization.objects.filter(appraisal=appraisal, revision__gt=since, process_area=pa)
        .select_related("updated_by")
        .order_by()
    )
