"""The rules for one process area (DESIGN §4.0–4.4): scope, practices, goals, rating, level.

Rules v2 (SCAMPI): a goal is not rated while any of its practices is unrated, NY or pending,
whatever else it holds; only a fully characterized goal is unsatisfied or satisfied. The PA rating
and GG1 follow the same order, and the capability level is given only where it is certain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat

from assessments import coverage as evidence_coverage
from assessments.rating.inputs import (
    AppraisalInput,
    GenericGoalSpec,
    ModelSpec,
    ProcessAreaSpec,
)
from assessments.rating.results import GoalReview, PAResult, PendingPractice, PracticeResult
from assessments.rating.values import (
    FAILING_VALUES,
    FI,
    GOAL_CHOICES,
    LI,
    MATURITY_CL_CAP,
    NI,
    NOT_APPLICABLE,
    NOT_RATED,
    NY,
    OUT_OF_SCOPE,
    PI,
    RANGE_CHOICES,
    SATISFIED,
    STAGED,
    UNSATISFIED,
    code_sort_key,
)


def _aggregate(values: Iterable[str | None]) -> str | tuple[str, str] | None:
    """DESIGN §4.1: the org-unit value from the covering instances' characterizations.

    None while any covering instance has none (or no instance covers the PA); otherwise drop NY:
    nothing left -> NY, all FI -> FI, all FI/LI -> LI, some FI/LI and some PI/NI -> the range
    (LI, PI) left to team judgment, all PI/NI with a PI -> PI, all NI -> NI.
    """
    if not values:
        return None
    rated = set(values)
    if None in rated:
        return None
    rated.discard(NY)
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
    # {key: characterizations.get((key, acronym, code))} by C-level iterators: this runs for
    # every cell of the appraisal (11,760 in the benchmark).
    cells = zip(covering, repeat(acronym), repeat(code))
    instances = dict(zip(covering, map(appraisal.characterizations.get, cells), strict=True))
    value = _aggregate(instances.values())
    if not isinstance(value, tuple):
        return PracticeResult(code, goal, value, instances=instances)
    judgment = appraisal.practice_judgments.get((acronym, code))
    if judgment in RANGE_CHOICES:
        return PracticeResult(code, goal, judgment, False, RANGE_CHOICES, True, instances)
    return PracticeResult(code, goal, None, True, RANGE_CHOICES, False, instances)


def leaves_goal_open(practice: PracticeResult) -> bool:
    """Whether a practice keeps its goal not rated (§4.2): unrated, pending (value None) or NY."""
    return practice.value is None or practice.value == NY


def _goal_rating(practices: Iterable[PracticeResult]) -> str:
    """DESIGN §4.2, in this order: not_rated if any practice is unrated, NY or pending; otherwise
    unsatisfied if any is PI or NI; otherwise satisfied."""
    practices = list(practices)
    if any(leaves_goal_open(practice) for practice in practices):
        return NOT_RATED
    if any(practice.value in (PI, NI) for practice in practices):
        return UNSATISFIED
    return SATISFIED


def _weakest(ratings: Iterable[str]) -> str:
    """not_rated if any is, else unsatisfied if any is, else satisfied: GG1 from the specific goals
    (§4.2) and the PA from its required goals (§4.3)."""
    found = set(ratings)
    if NOT_RATED in found:
        return NOT_RATED
    return UNSATISFIED if UNSATISFIED in found else SATISFIED


def scope_rating(pa: ProcessAreaSpec, appraisal: AppraisalInput) -> str | None:
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


def sorted_generic_goals(model: ModelSpec) -> list[GenericGoalSpec]:
    return sorted(
        model.generic_goals, key=lambda goal: (goal.capability_level, code_sort_key(goal.code))
    )


@dataclass
class Collected:
    """What rating the PAs gathers for the whole appraisal."""

    pending: list[PendingPractice] = field(default_factory=list)
    reviews: list[GoalReview] = field(default_factory=list)
    ranges: set[tuple[str, str]] = field(default_factory=set)  # (PA, practice) left as a range
    reviewable: set[tuple[str, str]] = field(default_factory=set)  # (PA, goal) satisfied with LI


def rate_in_scope(
    pa: ProcessAreaSpec,
    generic_goals: list[GenericGoalSpec],
    model: ModelSpec,
    appraisal: AppraisalInput,
    collected: Collected,
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
) -> int | None:
    """DESIGN §4.4, only where certain: 0 if any SG is unsatisfied; None if none is but one is not
    rated; otherwise 1, then GG2, GG3, ... in order up to the highest required one: each satisfied
    one raises the level, the first unsatisfied one stops it, a not-rated one first leaves it None.

    A level counts only if the model has it and has a generic goal for it, so a model with
    GG1-GG3 never reaches CL4 whatever its target; a generic goal the target does not require
    stops the climb (the level is certain: the target does not ask for more).
    """
    if UNSATISFIED in specific_ratings:
        return 0
    if NOT_RATED in specific_ratings:
        return None
    level = 1
    while level + 1 in model.capability_levels:
        at_level = [goal.code for goal in generic_goals if goal.capability_level == level + 1]
        if not at_level or any(code not in goals for code in at_level):
            break
        rating = _weakest(goals[code] for code in at_level)
        if rating == NOT_RATED:
            return None
        if rating == UNSATISFIED:
            break
        level += 1
    return level


def failing_practices(result: PAResult, goals: Iterable[str]) -> tuple[str, ...]:
    """The practices of `goals` already PI or NI at the organisational unit, by number."""
    wanted = set(goals)
    return tuple(
        code
        for code, practice in result.practices.items()
        if practice.goal in wanted and practice.value in FAILING_VALUES
    )
