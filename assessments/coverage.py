"""Coverage of the rating by objective evidence (DESIGN §4.8) and its indicators (§4.9).

Plain values in, plain values out, like `rating`: no ORM. The engine asks `goal_blocked` while
it rates a goal and `uncovered_cells` for the results; pages ask `indicators`.

`evidence` maps a cell (instance key, PA, practice) to the kinds of its links: "direct" and
"indirect" (an artifact link that says so), "artifact" (an artifact link that does not say) and
"affirmation".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from typing import Any, NamedTuple, Protocol

DIRECT, INDIRECT, ARTIFACT, AFFIRMATION = "direct", "indirect", "artifact", "affirmation"
LINK_KINDS = (DIRECT, INDIRECT, ARTIFACT, AFFIRMATION)
V1_2, V1_3 = "v1.2", "v1.3"
OFF, ADVISORY, ENFORCED = "off", "advisory", "enforced"
NEEDS_EVIDENCE = frozenset({"FI", "LI", "PI"})
ARTIFACTS = frozenset({DIRECT, INDIRECT, ARTIFACT})
# Under v1.2 an artifact link without a type counts as indirect (DESIGN §4.8).
INDIRECT_OR_AFFIRMATION = frozenset({INDIRECT, ARTIFACT, AFFIRMATION})

Cell = tuple[str, str, str]  # (instance key, PA, practice)


class _Input(Protocol):
    evidence_model: str
    coverage_policy: str
    evidence: Mapping[Cell, frozenset[str]]
    coverage: Mapping[str, frozenset[str]]


class _Practice(Protocol):
    code: str
    instances: Mapping[str, str | None]


def link_kind(item_kind: str, pii: str) -> str:
    """The coverage kind of a link from its item's kind and, for an artifact, its `pii`."""
    if item_kind == AFFIRMATION:
        return AFFIRMATION
    return pii if pii in (DIRECT, INDIRECT) else ARTIFACT


def is_covered(evidence_model: str, value: str | None, kinds: frozenset[str]) -> bool:
    """DESIGN §4.8: whether a cell with this value and these link kinds has the evidence it needs.

    NI, NY and unrated cells need none. v1.3: at least one item. v1.2: FI and LI need a direct
    artifact and an indirect artifact or affirmation; PI needs any item.
    """
    if value not in NEEDS_EVIDENCE:
        return True
    if not kinds:
        return False
    if evidence_model != V1_2 or value == "PI":
        return True
    return DIRECT in kinds and bool(kinds & INDIRECT_OR_AFFIRMATION)


class UncoveredCell(NamedTuple):
    """A cell lacking the evidence its value needs (DESIGN §4.8, results `uncovered`).

    A named tuple, not a dataclass: the full benchmark appraisal can have thousands.
    """

    process_area: str
    practice: str
    instance: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "process_area": self.process_area,
            "practice": self.practice,
            "instance": self.instance,
        }


# The cells are immutable, so one object per cell serves every rating: an appraisal without
# evidence yet has an uncovered cell per rated cell (11,760 in the benchmark), and allocating
# them afresh on each rating cost more in garbage collection than in building them (the results
# cache unpickles its entries through it too). Bounded: a cell that fell out is built again,
# equal to the one before.
uncovered_cell = lru_cache(maxsize=1 << 15)(UncoveredCell)


def _uncovered_in(appraisal: _Input, acronym: str, practice: _Practice) -> Iterable[str]:
    for key, value in practice.instances.items():
        kinds = appraisal.evidence.get((key, acronym, practice.code), frozenset())
        if not is_covered(appraisal.evidence_model, value, kinds):
            yield key


def goal_blocked(appraisal: _Input, acronym: str, practices: Iterable[_Practice]) -> bool:
    """DESIGN §4.2/4.8: under `enforced`, a goal with an uncovered cell in any of its practices
    is not rated."""
    if appraisal.coverage_policy != ENFORCED:
        return False
    return any(next(iter(_uncovered_in(appraisal, acronym, p)), None) for p in practices)


def uncovered_cells(
    appraisal: _Input, practices_by_pa: Mapping[str, Mapping[str, _Practice]]
) -> list[UncoveredCell]:
    """The uncovered cells of the required practices of the PAs in scope, sorted by PA, practice
    number and instance key; empty under the policy `off`.

    `practices_by_pa` maps each PA in scope to its required practices (the engine's results:
    each practice lists its covering instances and their values). The rule is `is_covered`,
    inlined: this loop visits every cell of the appraisal (11,760 in the benchmark), and an
    appraisal without evidence yet has as many uncovered cells. So practices without any link
    skip the per-cell lookups, and the cells come from `uncovered_cell` by C-level iterators.
    """
    from assessments.rating import code_sort_key

    if appraisal.coverage_policy == OFF:
        return []
    v12 = appraisal.evidence_model == V1_2
    evidence = appraisal.evidence.get
    evidenced = {(acronym, code) for _key, acronym, code in appraisal.evidence}
    cells: list[UncoveredCell] = []
    for acronym in sorted(practices_by_pa):
        practices = practices_by_pa[acronym].values()
        for practice in sorted(practices, key=lambda p: code_sort_key(p.code)):
            code, values = practice.code, practice.instances
            if (acronym, code) not in evidenced:
                # No link on this practice: every cell whose value needs evidence lacks it.
                if NEEDS_EVIDENCE.issuperset(values.values()):
                    keys = sorted(values)
                else:
                    keys = [key for key in sorted(values) if values[key] in NEEDS_EVIDENCE]
            else:
                keys = [
                    key
                    for key in sorted(values)
                    if (value := values[key]) in NEEDS_EVIDENCE
                    and (
                        not (kinds := evidence((key, acronym, code)))
                        or v12
                        and value != "PI"
                        and (DIRECT not in kinds or kinds.isdisjoint(INDIRECT_OR_AFFIRMATION))
                    )
                ]
            cells.extend(map(uncovered_cell, repeat(acronym), repeat(code), keys))
    return cells


# --- Indicators (§4.9): shown, never rated ---------------------------------------------------


@dataclass(frozen=True)
class PAIndicators:
    """One PA in scope: affirmations per covering instance, artifacts and affirmations together,
    and how many of the cells that need evidence have it (the coverage bar)."""

    process_area: str
    instances: int
    with_affirmation: int
    both_kinds: bool
    cells_needing: int
    cells_covered: int

    @property
    def affirmation_share(self) -> float:
        return self.with_affirmation / self.instances if self.instances else 0.0

    @property
    def affirmations_ok(self) -> bool:
        """SCAMPI v1.3 data coverage: affirmations from at least half of the instances."""
        return self.instances > 0 and 2 * self.with_affirmation >= self.instances

    @property
    def percent(self) -> int:
        if not self.cells_needing:
            return 100
        return round(100 * self.cells_covered / self.cells_needing)


@dataclass(frozen=True)
class Indicators:
    process_areas: dict[str, PAIndicators]
    instances_without_evidence: tuple[str, ...]

    @property
    def every_instance_evidenced(self) -> bool:
        return not self.instances_without_evidence


def indicators(
    appraisal: _Input, practices_by_pa: Mapping[str, Mapping[str, _Practice]]
) -> Indicators:
    """DESIGN §4.9 for the PAs in scope (`practices_by_pa`, as for `uncovered_cells`)."""
    by_instance_pa: dict[tuple[str, str], set[str]] = {}
    for (key, acronym, _code), kinds in appraisal.evidence.items():
        if kinds:
            by_instance_pa.setdefault((key, acronym), set()).update(kinds)
    v12 = appraisal.evidence_model == V1_2
    evidence = appraisal.evidence.get
    result = {}
    evidenced: set[str] = set()
    all_instances: set[str] = set()
    for acronym, practices in practices_by_pa.items():
        covering = sorted(appraisal.coverage.get(acronym, frozenset()))
        all_instances.update(covering)
        with_affirmation, both = 0, False
        for key in covering:
            kinds = by_instance_pa.get((key, acronym), set())
            if kinds:
                evidenced.add(key)
            if AFFIRMATION in kinds:
                with_affirmation += 1
                both = both or bool(kinds & ARTIFACTS)
        needing = covered = 0
        for practice in practices.values():
            code = practice.code
            # `is_covered`, inlined as in `uncovered_cells`: every cell of the PA passes here.
            for key, value in practice.instances.items():
                if value in NEEDS_EVIDENCE:
                    needing += 1
                    kinds = evidence((key, acronym, code))
                    if kinds and (
                        not v12
                        or value == "PI"
                        or DIRECT in kinds
                        and not kinds.isdisjoint(INDIRECT_OR_AFFIRMATION)
                    ):
                        covered += 1
        result[acronym] = PAIndicators(
            acronym, len(covering), with_affirmation, both, needing, covered
        )
    return Indicators(result, tuple(sorted(all_instances - evidenced)))
