"""Rating a whole appraisal (DESIGN §4.5–4.7): the PAs, the maturity level or its equivalent, what
blocks the next level, and the judgments that do not apply."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from assessments import coverage as evidence_coverage
from assessments.rating.inputs import AppraisalInput, GenericGoalSpec, ModelSpec, ProcessAreaSpec
from assessments.rating.results import Blocker, InvalidJudgment, PAResult, Results
from assessments.rating.rules import (
    Collected,
    failing_practices,
    rate_in_scope,
    scope_rating,
    sorted_generic_goals,
)
from assessments.rating.values import (
    CONTINUOUS,
    ERROR_CHARACTERIZATION,
    ERROR_REPRESENTATION,
    ERROR_TARGET,
    GOAL_CHOICES,
    INVALID_VALUE,
    MATURITY_CL_CAP,
    NOT_A_RANGE,
    NOT_APPLICABLE,
    NOT_FOR_REVIEW,
    NOT_RATED,
    NOT_REQUIRED,
    OUT_OF_SCOPE,
    PRACTICE_VALUES,
    RANGE_CHOICES,
    SATISFIED,
    STAGED,
    UNREACHABLE,
    UNSATISFIED,
    code_sort_key,
)

_VALUES = frozenset(PRACTICE_VALUES)


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
    n needs satisfied (staged, §4.5) or with a certain CL >= min(n, 3) (equivalent staging,
    §4.6: a level not certain yet is not reached)."""
    if result.rating in (NOT_APPLICABLE, OUT_OF_SCOPE):
        return result.rating == NOT_APPLICABLE
    if representation == STAGED:
        return all(result.goals.get(code) == SATISFIED for code in _needed_goals(pa, generic, n))
    level = result.capability_level
    return level is not None and level >= min(n, MATURITY_CL_CAP)


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
    scope = scope_rating(pa, appraisal)
    if scope is not None:
        return PAResult(pa.acronym, pa.maturity_level, scope, None)
    return rate_in_scope(pa, sorted_generic_goals(model), model, appraisal, Collected())


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
    _check_characterizations(appraisal.characterizations)

    generic_goals = sorted_generic_goals(model)
    specs = {pa.acronym: pa for pa in model.process_areas}
    pas = [specs[acronym] for acronym in sorted(specs)]
    collected = Collected()
    process_areas: dict[str, PAResult] = {}
    for pa in pas:
        scope = scope_rating(pa, appraisal)
        process_areas[pa.acronym] = (
            rate_in_scope(pa, generic_goals, model, appraisal, collected)
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


def _check_characterizations(given: Mapping[tuple[str, str, str], str]) -> None:
    """Raise ValueError naming the first characterization (by key) whose value is not a practice
    value. The set of distinct values settles the common case in one pass at C speed."""
    try:
        if _VALUES.issuperset(given.values()):
            return
    except TypeError:  # an unhashable value: the loop below names it
        pass
    bad = sorted(key for key, value in given.items() if value not in PRACTICE_VALUES)
    if bad:
        raise ValueError(ERROR_CHARACTERIZATION.format(bad[0], given[bad[0]]))


def _open_generic_goal(result: PAResult, generic_goals: list[GenericGoalSpec]) -> list[str]:
    """The generic goal that leaves a PA's capability level uncertain (§4.4): the first required
    one of GG2, GG3, ... that is not satisfied, when it is not rated."""
    for goal in generic_goals:
        rating = result.goals.get(goal.code)
        if goal.capability_level >= 2 and rating is not None and rating != SATISFIED:
            return [goal.code] if rating == NOT_RATED else []
    return []


def _blockers(
    pas: list[ProcessAreaSpec],
    process_areas: dict[str, PAResult],
    generic_goals: list[GenericGoalSpec],
    next_level: int | None,
    reaches: Callable[[ProcessAreaSpec, int], bool],
) -> list[Blocker]:
    """DESIGN §4.7: the PAs at ML 2..next that keep the next level from being reached, with the
    practices already PI/NI in the goals that fail them."""
    if next_level is None:
        return []
    blockers = []
    for pa in pas:
        if not 2 <= pa.maturity_level <= next_level or reaches(pa, next_level):
            continue
        result = process_areas[pa.acronym]
        needed = _needed_goals(pa, generic_goals, next_level)
        if result.rating == OUT_OF_SCOPE:
            blockers.append(Blocker(pa.acronym, pa.maturity_level, OUT_OF_SCOPE, tuple(needed)))
            continue
        goals = [code for code in needed if result.goals.get(code) != SATISFIED]
        if not goals and result.capability_level is None:
            goals = _open_generic_goal(result, generic_goals)
        found = {result.goals.get(code, NOT_REQUIRED) for code in goals}
        worst = [r for r in (UNSATISFIED, NOT_RATED, NOT_REQUIRED) if r in found]
        reason = worst[0] if worst else UNREACHABLE
        failing = failing_practices(result, goals)
        blockers.append(Blocker(pa.acronym, pa.maturity_level, reason, tuple(goals), failing))
    return sorted(blockers, key=lambda b: (b.maturity_level, b.process_area))


def _invalid_judgments(
    appraisal: AppraisalInput, process_areas: dict[str, PAResult], collected: Collected
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
