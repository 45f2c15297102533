"""Builds the rating engine's plain-data input from the database, in a fixed number of queries.

`load_appraisal_state` is the one place that reads a whole appraisal: the rating grid, the
overview, the results page and the reports all start from it, so they agree on every number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import countOf

from assessments import coverage as evidence_coverage
from assessments import rating, results_cache
from assessments.models import (
    Appraisal,
    Characterization,
    Finding,
    GoalJudgment,
    Instance,
    PracticeJudgment,
    ScopeItem,
)

# The catalog read model lives in models_catalog.catalog; callers may import it from here too.
from models_catalog.catalog import Catalog, load_catalog
from models_catalog.models import ProcessArea


@dataclass
class Progress:
    rated: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.rated / self.total) if self.total else 0

    @property
    def done(self) -> bool:
        return self.total > 0 and self.rated == self.total


class Cells(Mapping):
    """(instance pk, acronym, code) -> Characterization row, read on first use.

    Rating needs only the values (`AppraisalState.values`); the full rows (note, evidence,
    version, author) are for the rating grid. Loading ~12,000 model instances costs about a
    second, so pages that never look at a row (results, overview) must not pay for it.
    Warning: the first lookup runs one query (two with `updated_by`); later ones run none.
    """

    def __init__(self, appraisal: Appraisal, code_of, pa_by_id: dict[int, ProcessArea]):
        self._appraisal = appraisal
        self._code_of = code_of
        self._pa_by_id = pa_by_id
        self._rows: dict[tuple[int, str, str], Characterization] | None = None

    def _load(self) -> dict[tuple[int, str, str], Characterization]:
        if self._rows is None:
            rows = {}
            queryset = (
                Characterization.objects.filter(appraisal=self._appraisal)
                .select_related("updated_by")
                .order_by()
            )
            for row in queryset:
                pa = self._pa_by_id.get(row.process_area_id)
                code = self._code_of(row.specific_practice_id, row.generic_practice_id)
                if pa and code:
                    rows[(row.sampled_instance_id, pa.acronym, code)] = row
            self._rows = rows
        return self._rows

    def __getitem__(self, key: tuple[int, str, str]) -> Characterization:
        return self._load()[key]

    def __iter__(self) -> Iterator[tuple[int, str, str]]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


@dataclass
class CellInputs:
    """The per-cell input of the engine, as read from the database (`read_cell_inputs`)."""

    # (instance pk, acronym, code) -> the value of every rated cell.
    values: dict[tuple[int, str, str], str]
    # (instance pk, acronym, code) -> how many evidence items are linked.
    evidence_counts: dict[tuple[int, str, str], int]
    engine_input: rating.AppraisalInput


@dataclass
class AppraisalState:
    """An appraisal read whole, with the engine's results and the progress of rating.

    `results` and `indicators` are those of the appraisal's revision, from the results cache when
    it has them (assessments/results_cache.py): then the cell values and evidence links are not
    read. `values`, `evidence_counts` and `engine_input` give them all the same. Warning: on a
    cache hit the first of them runs two queries (values, links), read at that moment. `cells`
    gives the full rows, read on first use (see `Cells`).
    """

    appraisal: Appraisal
    catalog: Catalog
    scope_items: dict[str, ScopeItem]
    instances: list[Instance]
    coverage: dict[str, list[Instance]]  # acronym -> covering instances
    cells: Mapping[tuple[int, str, str], Characterization]  # (instance pk, acronym, code) -> row
    practice_judgments: dict[tuple[str, str], PracticeJudgment]
    goal_judgments: dict[tuple[str, str], GoalJudgment]
    findings: list[Finding]
    results: rating.Results
    progress: dict[str, Progress]
    # Coverage indicators (§4.9) of the PAs in scope.
    indicators: evidence_coverage.Indicators
    read_cell_inputs: Callable[[], CellInputs] = field(repr=False)

    @cached_property
    def _cell_inputs(self) -> CellInputs:
        return self.read_cell_inputs()

    @property
    def values(self) -> dict[tuple[int, str, str], str]:
        """(instance pk, acronym, code) -> the value of every rated cell (see the warning)."""
        return self._cell_inputs.values

    @property
    def evidence_counts(self) -> dict[tuple[int, str, str], int]:
        """(instance pk, acronym, code) -> how many items are linked (see the warning)."""
        return self._cell_inputs.evidence_counts

    @property
    def engine_input(self) -> rating.AppraisalInput:
        """The engine's input for this state (see the warning)."""
        return self._cell_inputs.engine_input

    @property
    def in_scope(self) -> list[str]:
        return in_scope(self.results)

    @property
    def total_progress(self) -> Progress:
        return Progress(
            rated=sum(p.rated for p in self.progress.values()),
            total=sum(p.total for p in self.progress.values()),
        )

    def findings_for(self, acronym: str) -> list[Finding]:
        return [f for f in self.findings if f.process_area.acronym == acronym]


def in_scope(results: rating.Results) -> list[str]:
    """The PAs the results rate: neither out of scope nor not applicable."""
    return [
        acr
        for acr, pa in results.process_areas.items()
        if pa.rating not in (rating.OUT_OF_SCOPE, rating.NOT_APPLICABLE)
    ]


def indicators(
    engine_input: rating.AppraisalInput, results: rating.Results
) -> evidence_coverage.Indicators:
    """Coverage indicators (§4.9) of the PAs in scope: pure."""
    practices = {acr: results.process_areas[acr].practices for acr in in_scope(results)}
    return evidence_coverage.indicators(engine_input, practices)


def appraisal_input(
    appraisal: Appraisal,
    scope_items: dict[str, ScopeItem],
    coverage: dict[str, list[Instance]],
    values: dict[tuple[int, str, str], str],
    instance_keys: dict[int, str],
    practice_judgments: dict[tuple[str, str], PracticeJudgment],
    goal_judgments: dict[tuple[str, str], GoalJudgment],
    evidence: dict[tuple[int, str, str], frozenset[str]] | None = None,
) -> rating.AppraisalInput:
    """The engine's input. `values` maps (instance pk, acronym, code) to a rated cell's value."""
    applicability = ScopeItem.Applicability
    return rating.AppraisalInput(
        representation=appraisal.representation,
        target_maturity_level=appraisal.target_maturity_level,
        target_profile={
            acr: item.target_capability_level
            for acr, item in scope_items.items()
            if item.target_capability_level is not None
        },
        out_of_scope=frozenset(
            acr for acr, i in scope_items.items() if i.applicability == applicability.OUT_OF_SCOPE
        ),
        not_applicable=frozenset(
            acr for acr, i in scope_items.items() if i.applicability == applicability.NOT_APPLICABLE
        ),
        coverage={acr: frozenset(i.key for i in insts) for acr, insts in coverage.items()},
        characterizations={
            (instance_keys[pk], acr, code): value for (pk, acr, code), value in values.items()
        },
        practice_judgments={key: j.value for key, j in practice_judgments.items()},
        goal_judgments={key: j.rating for key, j in goal_judgments.items()},
        evidence_model=appraisal.evidence_model,
        coverage_policy=appraisal.coverage_policy,
        evidence={
            (instance_keys[pk], acr, code): kinds
            for (pk, acr, code), kinds in (evidence or {}).items()
            if pk in instance_keys
        },
    )


def load_appraisal_state(appraisal: Appraisal, *, catalog: Catalog | None = None) -> AppraisalState:
    """Read the appraisal and rate it: a fixed number of queries whatever its size.

    Six queries (plus seven for the catalog unless it is cached or given): scope, instances,
    coverage, the two kinds of judgments, findings; two more (cell values, evidence links) when
    the results cache has no entry for the appraisal's revision, or later when asked for (see
    `AppraisalState`). The querysets drop the models' default ordering: it adds 14 joins per row,
    and neither the engine nor the callers need it. Full characterization rows are read only if
    `cells` is used.
    """
    catalog = catalog or load_catalog(appraisal.variant)
    pa_by_id = {pa.pk: pa for pa in catalog.process_areas.values()}
    sp_code = {sp.pk: code for (_, code), sp in catalog.specific_practices.items()}
    gp_code = {gp.pk: code for code, gp in catalog.generic_practices.items()}

    def code_of(specific_practice_id: int | None, generic_practice_id: int | None) -> str:
        if specific_practice_id:
            return sp_code.get(specific_practice_id, "")
        return gp_code.get(generic_practice_id, "")

    scope_items = {
        pa_by_id[item.process_area_id].acronym: item
        for item in ScopeItem.objects.filter(appraisal=appraisal).order_by()
        if item.process_area_id in pa_by_id
    }
    instances = list(Instance.objects.filter(appraisal=appraisal))
    covered: dict[int, list[str]] = defaultdict(list)
    through = Instance.process_areas.through.objects.filter(instance__appraisal=appraisal)
    for instance_id, pa_id in through.order_by().values_list("instance_id", "processarea_id"):
        if pa_id in pa_by_id:
            covered[instance_id].append(pa_by_id[pa_id].acronym)
    coverage: dict[str, list[Instance]] = defaultdict(list)
    for instance in instances:
        instance.covered = sorted(covered.get(instance.pk, []))
        for acronym in instance.covered:
            coverage[acronym].append(instance)
    practice_judgments = {
        (
            pa_by_id[j.process_area_id].acronym,
            code_of(j.specific_practice_id, j.generic_practice_id),
        ): j
        for j in PracticeJudgment.objects.filter(appraisal=appraisal)
        .select_related("decided_by")
        .order_by()
        if j.process_area_id in pa_by_id
    }
    goal_code = {g.pk: g.code for (acr, _), g in catalog.goals.items() if acr}
    gg_code = {g.pk: g.code for g in catalog.generic_goals}
    goal_judgments = {
        (
            pa_by_id[j.process_area_id].acronym,
            goal_code.get(j.specific_goal_id) if j.specific_goal_id else gg_code[j.generic_goal_id],
        ): j
        for j in GoalJudgment.objects.filter(appraisal=appraisal)
        .select_related("decided_by")
        .order_by()
        if j.process_area_id in pa_by_id
    }
    findings = list(
        Finding.objects.filter(appraisal=appraisal).select_related(
            "process_area", "specific_practice__goal", "generic_practice__generic_goal", "author"
        )
    )

    def read_cell_inputs() -> CellInputs:
        values = _read_values(appraisal, pa_by_id, sp_code, gp_code)
        evidence, evidence_counts = load_evidence(appraisal, pa_by_id, code_of)
        engine_input = appraisal_input(
            appraisal,
            scope_items,
            coverage,
            values,
            {i.pk: i.key for i in instances},
            practice_judgments,
            goal_judgments,
            evidence,
        )
        return CellInputs(values, evidence_counts, engine_input)

    read: CellInputs | None = None

    def rate() -> results_cache.Rated:
        nonlocal read
        read = read_cell_inputs()
        results = rating.rate(spec, read.engine_input)
        return results_cache.Rated(results, indicators(read.engine_input, results))

    # Rated once per revision and catalog, shared by every page and process (results_cache).
    spec = catalog.model_spec()
    rated = results_cache.rated(appraisal, spec, rate)
    results = rated.results
    progress = {}
    for acronym, pa_result in results.process_areas.items():
        if pa_result.rating in (rating.OUT_OF_SCOPE, rating.NOT_APPLICABLE):
            continue
        total = len(pa_result.practices) * len(coverage.get(acronym, []))
        # The engine's practices hold every covering instance's value (None: not rated), and
        # its characterizations are `values` keyed by instance key: counting them per practice
        # gives the rated cells without a lookup per cell.
        rated_cells = sum(
            len(practice.instances) - countOf(practice.instances.values(), None)
            for practice in pa_result.practices.values()
        )
        progress[acronym] = Progress(rated=rated_cells, total=total)
    state = AppraisalState(
        appraisal=appraisal,
        catalog=catalog,
        scope_items=scope_items,
        instances=instances,
        coverage=dict(coverage),
        cells=Cells(appraisal, code_of, pa_by_id),
        practice_judgments=practice_judgments,
        goal_judgments=goal_judgments,
        findings=findings,
        results=results,
        progress=progress,
        indicators=rated.indicators,
        read_cell_inputs=read_cell_inputs,
    )
    if read is not None:  # rated here: keep the inputs the results came from
        state._cell_inputs = read
    return state


def _read_values(
    appraisal: Appraisal, pa_by_id: dict[int, ProcessArea], sp_code: dict, gp_code: dict
) -> dict[tuple[int, str, str], str]:
    """One query: (instance pk, acronym, code) -> value of every rated cell."""
    values: dict[tuple[int, str, str], str] = {}
    rows = (
        Characterization.objects.filter(appraisal=appraisal)
        .exclude(value="")
        .order_by()
        .values_list(
            "sampled_instance_id",
            "process_area_id",
            "specific_practice_id",
            "generic_practice_id",
            "value",
        )
    )
    # `code_of` inlined: this loop runs once per rated cell (11,760 in the benchmark).
    acronym_of = {pk: pa.acronym for pk, pa in pa_by_id.items()}
    for instance_id, pa_id, sp_id, gp_id, value in rows:
        acronym = acronym_of.get(pa_id)
        code = sp_code.get(sp_id) if sp_id else gp_code.get(gp_id)
        if acronym and code:
            values[(instance_id, acronym, code)] = value
    return values


def load_evidence(
    appraisal: Appraisal, pa_by_id, code_of, *, process_area: ProcessArea | None = None
) -> tuple[dict, dict]:
    """One query: per cell (instance pk, acronym, code), the coverage kinds of its links
    (assessments.coverage) and how many items are linked; only `process_area`'s when given
    (the rating grid of one PA)."""
    from evidence.models import EvidenceLink

    kinds: dict[tuple[int, str, str], set[str]] = defaultdict(set)
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    links = EvidenceLink.objects.filter(appraisal=appraisal)
    if process_area is not None:
        links = links.filter(process_area=process_area)
    rows = links.order_by().values_list(
        "sampled_instance_id",
        "process_area_id",
        "specific_practice_id",
        "generic_practice_id",
        "item__kind",
        "pii",
    )
    for instance_id, pa_id, sp_id, gp_id, item_kind, pii in rows:
        pa = pa_by_id.get(pa_id)
        code = code_of(sp_id, gp_id)
        if pa and code:
            cell = (instance_id, pa.acronym, code)
            kinds[cell].add(evidence_coverage.link_kind(item_kind, pii))
            counts[cell] += 1
    return {cell: frozenset(k) for cell, k in kinds.items()}, dict(counts)


def scope_input(
    appraisal: Appraisal, scope_items: Mapping[str, ScopeItem]
) -> rating.AppraisalInput:
    """The engine's input of the appraisal's scope and targets alone: no cell, no judgment."""
    return appraisal_input(appraisal, dict(scope_items), {}, {}, {}, {}, {})


def pa_requirements(
    catalog: Catalog, scope: rating.AppraisalInput, acronym: str
) -> rating.PAResult:
    """What the scope and targets require of one PA of the catalog: its `required_goals` and its
    `practices` in grid order, both empty when the PA is out of scope or not applicable.

    The one place that answers "which PAs, goals and practices does this appraisal require":
    the engine's own rule (DESIGN §4.0, `rating.rules.scope_rating`) run on the PA alone with no
    cell, so no query. `scope` is `scope_input` of a stored appraisal, or the importer's header.
    """
    return rating.rate_process_area(catalog.model_spec(only=acronym), scope, acronym)


def pas_in_scope(catalog: Catalog, scope: rating.AppraisalInput) -> list[str]:
    """The acronyms of the catalog's PAs that the scope and targets rate, by acronym."""
    excluded = (rating.OUT_OF_SCOPE, rating.NOT_APPLICABLE)
    return [
        acronym
        for acronym in sorted(catalog.process_areas)
        if pa_requirements(catalog, scope, acronym).rating not in excluded
    ]


def required_practices(
    catalog: Catalog, appraisal: Appraisal, scope_items: Mapping[str, ScopeItem], acronym: str
) -> dict[str, rating.PracticeResult]:
    """The practices that the appraisal's scope and targets require of one PA, in grid order;
    empty for a PA out of scope or not applicable (`pa_requirements`): no query."""
    return pa_requirements(catalog, scope_input(appraisal, scope_items), acronym).practices
