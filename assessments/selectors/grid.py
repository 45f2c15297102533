"""The rating grid of one PA, read alone: what its page, its cell panel, a cell save and the
live grid's "changes since" show, in a fixed number of indexed queries.

Nothing here reads or rates the whole appraisal: the PA's own rows are read (cells, judgments,
evidence links), the PA is rated by `rating.rate_process_area`, and the appraisal-wide progress
comes from the cache or from count queries (selectors/progress.py). The cost grows with the
PA's cells, never with the other PAs'.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import NamedTuple

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Window

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
from assessments.selectors.progress import appraisal_progress, pa_progress

# The panel shows the newest history entries of a cell; older ones are counted, not drawn.
HISTORY_SHOWN = 20


def practice_slug(code: str) -> str:
    return code.replace(" ", "-")


def practice_code(slug: str) -> str:
    return slug.replace("-", " ", 1)


class CellRow(NamedTuple):
    """What the grid draws of a saved cell: shaped like a `Characterization` for the cell's
    markup (`value`, `version`, `note`), but `note` only says whether there is one."""

    value: str
    version: int
    note: bool


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
    in_scope_practices: Callable[[], dict[str, set[str]]]
    rows: dict[tuple[int, str], CellRow] = field(default_factory=dict)

    @property
    def in_scope(self) -> list[str]:
        """The acronyms of the PAs the appraisal rates, in the catalog's order."""
        return list(self.in_scope_practices())

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


def pa_state(
    appraisal: Appraisal,
    acronym: str,
    *,
    catalog: Catalog | None = None,
    rows: bool = False,
    saved_revision: int | None = None,
    scope: dict[str, ScopeItem] | None = None,
) -> PAState | None:
    """The PA rated alone, or None when the appraisal does not rate it (unknown, out of scope,
    not applicable). `rows=True` also reads what the grid draws of each saved cell (`CellRow`:
    value, version, whether it has a note); otherwise only the values. `saved_revision`: this
    request's committed save of a cell of the PA produced it (selectors.progress). `scope`: the
    PA's scope item as `cell_target` read it ({} for none). Seven queries, ten when the
    appraisal's progress is not in the cache."""
    catalog = catalog or load_catalog(appraisal.variant)
    pa = catalog.process_areas.get(acronym)
    if pa is None:
        return None
    if scope is None:
        item = ScopeItem.objects.filter(appraisal=appraisal, process_area=pa).first()
        scope = {acronym: item} if item else {}
    practices = required_practices(catalog, appraisal, scope, acronym)
    if not practices:
        return None

    # Every PA's required practices, for the PA menu and for counting the progress: a save
    # whose previous revision's progress is cached needs neither (a query and ~25 engine runs).
    @functools.cache
    def in_scope_practices() -> dict[str, set[str]]:
        scope_items = _scope_items(appraisal, catalog)
        return {
            acr: found
            for acr in catalog.process_areas
            if (found := required_practices(catalog, appraisal, scope_items, acr))
        }

    instances = list(Instance.objects.filter(appraisal=appraisal, process_areas=pa))
    keys = {i.pk: i.key for i in instances}
    sp_code, gp_code = _codes(catalog, acronym)

    def code_of(sp_id, gp_id) -> str:
        return sp_code.get(sp_id, "") if sp_id else gp_code.get(gp_id, "")

    cells = Characterization.objects.filter(appraisal=appraisal, process_area=pa).order_by()
    cell_rows: dict[tuple[int, str], CellRow] = {}
    values: dict[tuple[int, str], str] = {}
    if rows:
        # Tuples, not models: two models per cell (the row and who saved it) cost a fifth of a
        # 20-instance grid page, more than drawing its cells.
        listed = cells.annotate(
            has_note=ExpressionWrapper(~Q(note=""), output_field=BooleanField())
        ).values_list(
            "sampled_instance_id",
            "specific_practice_id",
            "generic_practice_id",
            "value",
            "version",
            "has_note",
        )
        for instance_id, sp_id, gp_id, value, version, has_note in listed:
            code = code_of(sp_id, gp_id)
            if instance_id in keys and code:
                cell_rows[(instance_id, code)] = CellRow(value, version, has_note)
                if value:
                    values[(instance_id, code)] = value
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
        scope,
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
    progress = appraisal_progress(
        appraisal,
        catalog,
        in_scope_practices,
        acronym,
        pa_progress(values, practices, len(instances)),
        saved_revision=saved_revision,
    )
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
        in_scope_practices=in_scope_practices,
        rows=cell_rows,
    )


class GridCell(NamedTuple):
    """One cell of the grid page; `row` is None for a cell never saved."""

    instance: Instance
    row: CellRow | None
    evidence: int
    uncovered: bool
    previous: str


def grid_rows(state: PAState, previous: dict[tuple[str, str, str], str]) -> list[dict]:
    """The required practices of the PA in goal order, each with its cells (`GridCell`, one per
    instance of `state.instances`) and org value; `previous` is
    improvement.selectors.previous_values (the "prev:" hint)."""
    acronym, catalog = state.acronym, state.catalog
    rows_of, counts, uncovered = state.rows, state.evidence_counts, state.uncovered
    columns = [(instance, instance.pk, instance.key) for instance in state.instances]
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
                    GridCell(
                        instance,
                        rows_of.get((pk, code)),
                        counts.get((pk, code), 0),
                        (pk, code) in uncovered,
                        previous.get((key, acronym, code), ""),
                    )
                    for instance, pk, key in columns
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
    scope: dict[str, ScopeItem]  # the PA's scope item by acronym; {} when it has none


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
    item = ScopeItem.objects.filter(appraisal=appraisal, process_area=pa).first()
    scope_items = {acronym: item} if item else {}
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
    return CellTarget(catalog, pa, code, practice, instance, row, scope_items)


def cell_history(row: Characterization | None, limit: int = HISTORY_SHOWN) -> tuple[list, int]:
    """The newest `limit` history entries of a cell, newest first, each with `previous` (the
    entry before it, or None), and how many older entries are not shown. One query whatever the
    length of the history: the entries with their users, each carrying the count of all."""
    if row is None:
        return [], 0
    entries = list(
        row.history.select_related("history_user")
        .annotate(entries=Window(Count("history_id")))
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    for entry, older in zip(entries, entries[1:] + [None], strict=True):
        entry.previous = older
    shown = entries[:limit]
    return shown, (entries[0].entries - len(shown)) if entries else 0


def changed_rows(appraisal: Appraisal, pa, since: int) -> list[Characterization]:
    """The PA's cells saved after revision `since`, with who saved them: one indexed query."""
    return list(
        Characterization.objects.filter(appraisal=appraisal, revision__gt=since, process_area=pa)
        .select_related("updated_by")
        .order_by()
    )
