"""The rating engine (DESIGN §4): plain values in, plain values out.

No ORM, no request: callers turn the catalog into a `ModelSpec` (the model variant, already
filtered) and the appraisal into an `AppraisalInput`, then call `rate()`. Everything that rates
calls this module; nothing re-implements a rule. The result does not depend on the order of any
input (DESIGN §4.7): every dict and list it returns is built in a sorted order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assessments import coverage as evidence_coverage

FI, LI, PI, NI, NY = "FI", "LI", "PI", "NI", "NY"
PRACTICE_VALUES = (FI, LI, PI, NI, NY)
SATISFIED, UNSATISFIED, NOT_RATED = "satisfied", "unsatisfied", "not_rated"
NOT_APPLICABLE, OUT_OF_SCOPE = "not_applicable", "out_of_scope"
STAGED, CONTINUOUS = "staged", "continuous"

RANGE_CHOICES = (LI, PI)
GOAL_CHOICES = (SATISFIED, UNSATISFIED)

# Maturity level n needs the generic goals of capability levels 2..min(n, 3): the staged
# representation uses only GG2 and GG3, and equivalent staging asks CL2 for ML2 and CL3 above.
# GG4/GG5 belong to the continuous representation; high maturity comes from the ML4/ML5 PAs.
MATURITY_CL_CAP = 3

# Why a judgment does not apply (InvalidJudgment.reason).
INVALID_VALUE = "invalid_value"  # not LI/PI for a practice, not satisfied/unsatisfied for a goal
NOT_REQUIRED = "not_required"  # PA not in scope, or the target does not rate that practice/goal
NOT_A_RANGE = "not_a_range"  # the practice's org-unit value is not the range {LI, PI}
NOT_FOR_REVIEW = "not_for_review"  # the goal is not "satisfied with LI practices"

# Why a PA blocks the next maturity level (Blocker.reason), worst first. NOT_REQUIRED (above)
# also serves: the level needs goals that the appraisal's target does not rate.
UNREACHABLE = "unreachable"  # the model has no generic goal for the capability level needed

ERROR_REPRESENTATION = "Unknown representation {!r}: expected 'staged' or 'continuous'."
ERROR_TARGET = "A staged appraisal needs a target maturity level."
ERROR_CHARACTERIZATION = "Characterization {!r} has the value {!r}: expected FI, LI, PI, NI or NY."

_CODE = re.compile(r"([A-Za-z]*)\s*(\d+(?:\.\d+)*)")


def code_sort_key(code: str) -> tuple[int, tuple[int, ...], str]:
    """Sort key for goal and practice codes: SG/SP first, then GG/GP, numbers compared as numbers.

    "GP 2.10" sorts after "GP 2.9"; codes that do not look like "XX n.m" sort last, by text.
    """
    match = _CODE.fullmatch(code.strip())
    if match is None:
        return (2, (), code)
    prefix = match.group(1).upper()
    kind = 0 if prefix in ("SG", "SP") else 1 if prefix in ("GG", "GP") else 2
    return (kind, tuple(int(part) for part in match.group(2).split(".")), code)


# --- Inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalSpec:
    """A specific goal of a PA, already filtered to the model variant."""

    code: str
    practices: tuple[str, ...]


@dataclass(frozen=True)
class GenericGoalSpec:
    """A generic goal; `capability_level` 1 (GG1) is rated from the specific goals, never by
    its practices."""

    code: str
    capability_level: int
    practices: tuple[str, ...]


@dataclass(frozen=True)
class ProcessAreaSpec:
    acronym: str
    maturity_level: int
    specific_goals: tuple[GoalSpec, ...]


@dataclass(frozen=True)
class ModelSpec:
    """The model variant: its PAs (core plus chosen additions), generic goals and level ranges."""

    process_areas: tuple[ProcessAreaSpec, ...]
    generic_goals: tuple[GenericGoalSpec, ...]
    maturity_levels: tuple[int, ...]
    capability_levels: tuple[int, ...]


@dataclass(frozen=True)
class AppraisalInput:
    """An appraisal's scope, characterizations and team judgments.

    `coverage` maps a PA to the keys of the instances covering it; `characterizations` maps
    (instance key, PA, practice) to FI/LI/PI/NI/NY; `practice_judgments` maps (PA, practice) to LI
    or PI; `goal_judgments` maps (PA, goal) to satisfied or unsatisfied.
    """

    representation: str
    target_maturity_level: int | None = None
    target_profile: Mapping[str, int] = field(default_factory=dict)
    out_of_scope: frozenset[str] = frozenset()
    not_applicable: frozenset[str] = frozenset()
    coverage: Mapping[str, frozenset[str]] = field(default_factory=dict)
    characterizations: Mapping[tuple[str, str, str], str] = field(default_factory=dict)
    practice_judgments: Mapping[tuple[str, str], str] = field(default_factory=dict)
    goal_judgments: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # Objective evidence (§4.8, assessments.coverage): (instance key, PA, practice) -> link kinds.
    evidence_model: str = "v1.3"
    coverage_policy: str = "advisory"
    evidence: Mapping[tuple[str, str, str], frozenset[str]] = field(default_factory=dict)


# --- Results ------------------------------------------------------------------------------------


def _as_json(entry: Any) -> dict[str, Any]:
    """A flat result entry as JSON: its fields in order, tuples as lists."""
    return {key: list(v) if isinstance(v, tuple) else v for key, v in vars(entry).items()}


@dataclass(frozen=True)
class PracticeResult:
    """The org-unit value of one required practice of one PA (DESIGN §4.1).

    value: FI/LI/PI/NI/NY, or None while unrated or pending.
    pending: the instances leave the range {LI, PI} and no team judgment settles it yet.
    choices: ("LI", "PI") whenever the instances leave that range (judged or not), else ().
    judged: the value comes from a team judgment of the range.
    instances: covering instance key -> its characterization, None where it has none yet.
    goal: the code of the goal the practice belongs to.
    """

    code: str
    goal: str
    value: str | None
    pending: bool = False
    choices: tuple[str, ...] = ()
    judged: bool = False
    instances: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class PAResult:
    """The rating of one PA of the variant (DESIGN §4.2–4.4).

    rating: satisfied / unsatisfied / not_rated / not_applicable / out_of_scope.
    capability_level: 0..5 for a PA in scope, None when out of scope or not applicable.
    required_goals: the goals the target requires, SGs then GGs by number (empty unless in scope).
    goals: required goal code -> rating, in that order ("GG 1" included where required).
    practices: required practice code -> PracticeResult, SPs by number then GPs by number.
    judged_goals: goals whose rating was settled by a team judgment.
    """

    acronym: str
    maturity_level: int
    rating: str
    capability_level: int | None
    required_goals: tuple[str, ...] = ()
    goals: dict[str, str] = field(default_factory=dict)
    practices: dict[str, PracticeResult] = field(default_factory=dict)
    judged_goals: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rating": self.rating,
            "capability_level": self.capability_level,
            "goals": dict(self.goals),
            "practices": {code: practice.value for code, practice in self.practices.items()},
        }


@dataclass(frozen=True)
class PendingPractice:
    """A practice range waiting for a team judgment (DESIGN §4.1)."""

    process_area: str
    practice: str
    choices: tuple[str, ...] = RANGE_CHOICES

    def to_dict(self) -> dict[str, Any]:
        return _as_json(self)


@dataclass(frozen=True)
class GoalReview:
    """A goal satisfied with LI practices that the team may still turn unsatisfied (§4.2)."""

    process_area: str
    goal: str
    choices: tuple[str, ...] = GOAL_CHOICES

    def to_dict(self) -> dict[str, Any]:
        return _as_json(self)


@dataclass(frozen=True)
class InvalidJudgment:
    """A recorded judgment that does not apply, so it was ignored.

    kind: "practice" or "goal"; code: the practice or goal code; reason: INVALID_VALUE,
    NOT_REQUIRED, NOT_A_RANGE (practice) or NOT_FOR_REVIEW (goal).
    """

    kind: str
    process_area: str
    code: str
    value: str
    reason: str


@dataclass(frozen=True)
class Blocker:
    """A PA that keeps the next maturity level from being reached ("which bits first", §4.7).

    maturity_level: the PA's own maturity level. reason: OUT_OF_SCOPE, UNSATISFIED, NOT_RATED,
    NOT_REQUIRED (the level needs goals that the target does not rate) or UNREACHABLE, the worst
    that applies. goals: the goals the next level needs from this PA that are not satisfied (all of
    them for a PA out of scope); GG1 is implied by the specific goals and never listed.
    """

    process_area: str
    maturity_level: int
    reason: str
    goals: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return _as_json(self)


@dataclass(frozen=True)
class Results:
    """Everything `rate()` concludes about one appraisal.

    maturity_level: staged rating (1..top), None for continuous. equivalent_maturity_level: the
    equivalent-staging rating for continuous, None for staged. process_areas: every PA of the
    variant, by acronym. pending / reviews: sorted by PA, then practice or goal number.
    invalid_judgments: ignored judgments, sorted (practices first). next_level: the maturity level
    after the one reached, None at the model's top; blockers: the PAs that keep it from being
    reached, ML2 PAs first, then by acronym.
    """

    representation: str
    maturity_level: int | None
    equivalent_maturity_level: int | None
    next_level: int | None
    process_areas: dict[str, PAResult]
    pending: list[PendingPractice]
    reviews: list[GoalReview]
    invalid_judgments: list[InvalidJudgment]
    blockers: list[Blocker]
    uncovered: list[evidence_coverage.UncoveredCell] = field(default_factory=list)

    def to_dict(self, *, extended: bool = True) -> dict[str, Any]:
        """The results JSON of DESIGN §6; `extended` adds "next_level" and "blockers"."""
        data: dict[str, Any] = {
            "maturity_level": self.maturity_level,
            "equivalent_maturity_level": self.equivalent_maturity_level,
            "process_areas": {acr: self.process_areas[acr].to_dict() for acr in self.process_areas},
            "pending": [entry.to_dict() for entry in self.pending],
            "reviews": [entry.to_dict() for entry in self.reviews],
            "uncovered": [cell.to_dict() for cell in self.uncovered],
        }
        if extended:
            data["next_level"] = self.next_level
            data["blockers"] = [blocker.to_dict() for blocker in self.blockers]
        return data


# --- Rules --------------------------------------------------------------------------------------


def _aggregate(values: list[str | None]) -> str | tuple[str, str] | None:
    """DESIGN §4.1: the org-unit value from the covering instances' characterizations.

    None while any covering instance has none (or no instance covers the PA); otherwise drop NY:
    nothing left -> NY, all FI -> FI, all FI/LI -> LI, some FI/LI and some PI/NI -> the range
    (LI, PI) left to team judgment, all PI/NI with a PI -> PI, all NI -> NI.
    """
    if not values or any(value is None for value in values):
        return None
    rated = {value for value in values if value != NY}
    if not rated:
        return NY
    if rated == {FI}:
        return FI
    if rated <= {FI, LI}:
        return LI
    if rated <= {PI, NI}:
        return PI if PI in rated else NI
    return RANGE_CHOICES


def _rate_practice(
    appraisal: AppraisalInput, acronym: str, goal: str, code: str, covering: list[str]
) -> PracticeResult:
    """DESIGN §4.1: a range stays pending until a practice judgment (LI or PI) settles it."""
    instances = {key: appraisal.characterizations.get((key, acronym, code)) for key in covering}
    value = _aggregate(list(instances.values()))
    if not isinstance(value, tuple):
        return PracticeResult(code, goal, value, instances=instances)
    judgment = appraisal.practice_judgments.get((acronym, code))
    if judgment in RANGE_CHOICES:
        return PracticeResult(code, goal, judgment, False, RANGE_CHOICES, True, instances)
    return PracticeResult(code, goal, None, True, RANGE_CHOICES, False, instances)


def _goal_rating(practices: Iterable[PracticeResult]) -> str:
    """DESIGN §4.2: unsatisfied if any practice is PI/NI, else not_rated if any is unrated, NY or
    pending, else satisfied."""
    values = {practice.value for practice in practices}
    if values & {PI, NI}:
        return UNSATISFIED
    return NOT_RATED if values & {None, NY} else SATISFIED


def _weakest(ratings: Iterable[str]) -> str:
    """unsatisfied if any is, else not_rated if any is, else satisfied (GG1 §4.0, PA §4.3)."""
    found = set(ratings)
    if UNSATISFIED in found:
        return UNSATISFIED
    return NOT_RATED if NOT_RATED in found else SATISFIED


def _scope_rating(pa: ProcessAreaSpec, appraisal: AppraisalInput) -> str | None:
    """DESIGN §4.0: NOT_APPLICABLE or OUT_OF_SCOPE for a PA the appraisal does not rate, else None.

    Not applicable wins over out of scope. Staged: PAs at ML 2..T are in scope; continuous: the PAs
    of the target profile.
    """
    if pa.acronym in appraisal.not_applicable:
        return NOT_APPLICABLE
    if pa.acronym in appraisal.out_of_scope:
        return OUT_OF_SCOPE
    if appraisal.representation == STAGED:
        in_scope = 2 <= pa.maturity_level <= (appraisal.target_maturity_level or 0)
    else:
        in_scope = pa.acronym in appraisal.target_profile
    return None if in_scope else OUT_OF_SCOPE


def _required_generic_levels(pa: ProcessAreaSpec, appraisal: AppraisalInput) -> range:
    """DESIGN §4.0: staged target T requires GG2..GG min(T, 3); continuous target k GG1..GGk."""
    if appraisal.representation == STAGED:
        return range(2, min(appraisal.target_maturity_level or 0, MATURITY_CL_CAP) + 1)
    return range(1, appraisal.target_profile[pa.acronym] + 1)


@dataclass
class _Collected:
    pending: list[PendingPractice] = field(default_factory=list)
    reviews: list[GoalReview] = field(default_factory=list)
    ranges: set[tuple[str, str]] = field(default_factory=set)  # (PA, practice) left as a range
    reviewable: set[tuple[str, str]] = field(default_factory=set)  # (PA, goal) satisfied with LI


def _rate_in_scope(
    pa: ProcessAreaSpec,
    generic_goals: list[GenericGoalSpec],
    model: ModelSpec,
    appraisal: AppraisalInput,
    collected: _Collected,
) -> PAResult:
    """Rate a PA in scope: its practices (§4.1), required goals (§4.2, GG1 from the SGs), rating
    (§4.3) and capability level (§4.4); pending ranges and goals to review go to `collected`."""
    acronym = pa.acronym
    levels = _required_generic_levels(pa, appraisal)
    specific = sorted(pa.specific_goals, key=lambda goal: code_sort_key(goal.code))
    generic = [goal for goal in generic_goals if goal.capability_level in levels]
    covering = sorted(appraisal.coverage.get(acronym, frozenset()))

    ratings: dict[str, str] = {}
    practices: dict[str, PracticeResult] = {}
    judged_goals: list[str] = []
    rated_by_practice = [(g.code, g.practices) for g in specific] + [
        (g.code, g.practices) for g in generic if g.capability_level != 1
    ]
    for goal, codes in rated_by_practice:
        results = [
            _rate_practice(appraisal, acronym, goal, code, covering)
            for code in sorted(codes, key=code_sort_key)
        ]
        for practice in results:
            practices[practice.code] = practice
            if practice.choices:
                collected.ranges.add((acronym, practice.code))
            if practice.pending:
                collected.pending.append(PendingPractice(acronym, practice.code))
        rating = _goal_rating(results)
        if evidence_coverage.goal_blocked(appraisal, acronym, results):
            rating = NOT_RATED
        if rating == SATISFIED and any(practice.value == LI for practice in results):
            collected.reviewable.add((acronym, goal))
            judgment = appraisal.goal_judgments.get((acronym, goal))
            if judgment in GOAL_CHOICES:
                rating = judgment
                judged_goals.append(goal)
            else:
                collected.reviews.append(GoalReview(acronym, goal))
        ratings[goal] = rating

    specific_ratings = [ratings[goal.code] for goal in specific]
    for goal in generic:
        if goal.capability_level == 1:
            ratings[goal.code] = _weakest(specific_ratings)

    required = tuple(goal.code for goal in specific) + tuple(goal.code for goal in generic)
    goals = {code: ratings[code] for code in required}
    return PAResult(
        acronym=acronym,
        maturity_level=pa.maturity_level,
        rating=_weakest(goals.values()),
        capability_level=_capability_level(specific_ratings, goals, generic_goals, model),
        required_goals=required,
        goals=goals,
        practices=practices,
        judged_goals=tuple(judged_goals),
    )


def _capability_level(
    specific_ratings: list[str],
    goals: dict[str, str],
    generic_goals: list[GenericGoalSpec],
    model: ModelSpec,
) -> int:
    """DESIGN §4.4: 0 unless every SG is satisfied; else 1, raised to the highest k such that the
    generic goals of capability levels 2..k are all required and satisfied.

    A level counts only if the model has it and has a generic goal for it, so a model with
    GG1-GG3 never reaches CL4 whatever its target.
    """
    if any(rating != SATISFIED for rating in specific_ratings):
        return 0
    level = 1
    while level + 1 in model.capability_levels:
        at_level = [goal for goal in generic_goals if goal.capability_level == level + 1]
        if not at_level or any(goals.get(goal.code) != SATISFIED for goal in at_level):
            break
        level += 1
    return level


def _needed_goals(pa: ProcessAreaSpec, generic: list[GenericGoalSpec], n: int) -> list[str]:
    """The goals maturity level n needs from a PA: its SGs and GG2..GG min(n, 3) (§4.5)."""
    top = min(n, MATURITY_CL_CAP)
    specific = sorted((goal.code for goal in pa.specific_goals), key=code_sort_key)
    return specific + [goal.code for goal in generic if 2 <= goal.capability_level <= top]


def _reaches(
    result: PAResult,
    pa: ProcessAreaSpec,
    generic: list[GenericGoalSpec],
    representation: str,
    n: int,
) -> bool:
    """Whether a PA lets maturity level n be reached: not applicable, or in scope with the goals
    n needs satisfied (staged, §4.5) or with CL >= min(n, 3) (equivalent staging, §4.6)."""
    if result.rating in (NOT_APPLICABLE, OUT_OF_SCOPE):
        return result.rating == NOT_APPLICABLE
    if representation == STAGED:
        return all(result.goals.get(code) == SATISFIED for code in _needed_goals(pa, generic, n))
    return (result.capability_level or 0) >= min(n, MATURITY_CL_CAP)


def _maturity_level(
    model: ModelSpec,
    pas: list[ProcessAreaSpec],
    top: int,
    reaches: Callable[[ProcessAreaSpec, int], bool],
) -> int:
    """Highest level n (2..top, and a level of the model) such that every PA at ML 2..n reaches
    it, each level also needing the one below; 1 at least (DESIGN §4.5, §4.6)."""
    reached = 1
    while reached + 1 <= top and reached + 1 in model.maturity_levels:
        n = reached + 1
        if not all(reaches(pa, n) for pa in pas if 2 <= pa.maturity_level <= n):
            break
        reached = n
    return reached


def rate_process_area(model: ModelSpec, appraisal: AppraisalInput, acronym: str) -> PAResult:
    """Rate one PA on its own (§4.0–4.4): what a cell save needs to redraw its row and badges.

    Agrees with `rate(model, appraisal).process_areas[acronym]`; the appraisal input need only
    carry this PA's characterizations and judgments. Raises KeyError for a PA not in the model.
    """
    pa = {spec.acronym: spec for spec in model.process_areas}[acronym]
    scope = _scope_rating(pa, appraisal)
    if scope is not None:
        return PAResult(pa.acronym, pa.maturity_level, scope, None)
    generic_goals = sorted(
        model.generic_goals, key=lambda goal: (goal.capability_level, code_sort_key(goal.code))
    )
    return _rate_in_scope(pa, generic_goals, model, appraisal, _Collected())


def rate(model: ModelSpec, appraisal: AppraisalInput) -> Results:
    """Rate an appraisal against a model variant by the rules of DESIGN §4.

    Raises ValueError on an unknown representation, a staged appraisal without a target maturity
    level, or a characterization value other than FI/LI/PI/NI/NY. Judgments that do not apply are
    ignored and listed in `invalid_judgments`; profile, scope and coverage entries naming PAs that
    are not in the model are ignored.
    """
    if appraisal.representation not in (STAGED, CONTINUOUS):
        raise ValueError(ERROR_REPRESENTATION.format(appraisal.representation))
    if appraisal.representation == STAGED and appraisal.target_maturity_level is None:
        raise ValueError(ERROR_TARGET)
    given = appraisal.characterizations
    bad = sorted(key for key, value in given.items() if value not in PRACTICE_VALUES)
    if bad:
        raise ValueError(ERROR_CHARACTERIZATION.format(bad[0], given[bad[0]]))

    generic_goals = sorted(
        model.generic_goals, key=lambda goal: (goal.capability_level, code_sort_key(goal.code))
    )
    specs = {pa.acronym: pa for pa in model.process_areas}
    pas = [specs[acronym] for acronym in sorted(specs)]
    collected = _Collected()
    process_areas: dict[str, PAResult] = {}
    for pa in pas:
        scope = _scope_rating(pa, appraisal)
        process_areas[pa.acronym] = (
            _rate_in_scope(pa, generic_goals, model, appraisal, collected)
            if scope is None
            else PAResult(pa.acronym, pa.maturity_level, scope, None)
        )

    def reaches(pa: ProcessAreaSpec, n: int) -> bool:
        return _reaches(process_areas[pa.acronym], pa, generic_goals, appraisal.representation, n)

    staged = appraisal.representation == STAGED
    top = appraisal.target_maturity_level if staged else max(model.maturity_levels, default=1)
    reached = _maturity_level(model, pas, top or 0, reaches)
    next_level = reached + 1 if reached + 1 in model.maturity_levels else None

    return Results(
        representation=appraisal.representation,
        maturity_level=reached if staged else None,
        equivalent_maturity_level=None if staged else reached,
        next_level=next_level,
        process_areas=process_areas,
        pending=sorted(
            collected.pending, key=lambda e: (e.process_area, code_sort_key(e.practice))
        ),
        reviews=sorted(collected.reviews, key=lambda r: (r.process_area, code_sort_key(r.goal))),
        invalid_judgments=_invalid_judgments(appraisal, process_areas, collected),
        blockers=_blockers(pas, process_areas, generic_goals, next_level, reaches),
        uncovered=evidence_coverage.uncovered_cells(
            appraisal,
            {acr: pa.practices for acr, pa in process_areas.items() if pa.practices},
        ),
    )


def _blockers(
    pas: list[ProcessAreaSpec],
    process_areas: dict[str, PAResult],
    generic_goals: list[GenericGoalSpec],
    next_level: int | None,
    reaches: Callable[[ProcessAreaSpec, int], bool],
) -> list[Blocker]:
    """DESIGN §4.7: the PAs at ML 2..next that keep the next level from being reached."""
    if next_level is None:
        return []
    blockers = []
    for pa in pas:
        if not 2 <= pa.maturity_level <= next_level or reaches(pa, next_level):
            continue
        result = process_areas[pa.acronym]
        needed = _needed_goals(pa, generic_goals, next_level)
        if result.rating == OUT_OF_SCOPE:
            reason, goals = OUT_OF_SCOPE, needed
        else:
            goals = [code for code in needed if result.goals.get(code) != SATISFIED]
            found = {result.goals.get(code, NOT_REQUIRED) for code in goals}
            worst = [r for r in (UNSATISFIED, NOT_RATED, NOT_REQUIRED) if r in found]
            reason = worst[0] if worst else UNREACHABLE
        blockers.append(Blocker(pa.acronym, pa.maturity_level, reason, tuple(goals)))
    return sorted(blockers, key=lambda b: (b.maturity_level, b.process_area))


def _invalid_judgments(
    appraisal: AppraisalInput, process_areas: dict[str, PAResult], collected: _Collected
) -> list[InvalidJudgment]:
    """The judgments that do not apply (DESIGN §4.1, §4.2): ignored by the rating, listed here."""
    invalid = []
    for (acronym, code), value in appraisal.practice_judgments.items():
        result = process_areas.get(acronym)
        if value not in RANGE_CHOICES:
            reason = INVALID_VALUE
        elif result is None or code not in result.practices:
            reason = NOT_REQUIRED
        elif (acronym, code) not in collected.ranges:
            reason = NOT_A_RANGE
        else:
            continue
        invalid.append(InvalidJudgment("practice", acronym, code, value, reason))
    for (acronym, code), value in appraisal.goal_judgments.items():
        result = process_areas.get(acronym)
        if value not in GOAL_CHOICES:
            reason = INVALID_VALUE
        elif result is None or code not in result.goals:
            reason = NOT_REQUIRED
        elif (acronym, code) not in collected.reviewable:
            reason = NOT_FOR_REVIEW
        else:
            continue
        invalid.append(InvalidJudgment("goal", acronym, code, value, reason))
    kinds = {"practice": 0, "goal": 1}
    return sorted(
        invalid,
        key=lambda j: (kinds[j.kind], j.process_area, code_sort_key(j.code), str(j.value)),
    )
