"""What the engine concludes (DESIGN §4, the results JSON of §6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assessments import coverage as evidence_coverage
from assessments.rating.values import GOAL_CHOICES, RANGE_CHOICES


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
    capability_level: 0..5 for a PA in scope where the level is certain (§4.4); None while it is
        not (a not-rated goal decides it) and for a PA out of scope or not applicable.
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

    def to_dict(self, *, levels: bool = True) -> dict[str, Any]:
        return {
            "rating": self.rating,
            "capability_level": self.capability_level if levels else None,
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
    them for a PA out of scope); GG1 is implied by the specific goals and never listed. Under
    equivalent staging a PA whose capability level is not certain yet blocks even when those goals
    are satisfied: then goals names the not-rated goal that leaves the level open.
    failing_practices: the practices of those goals already PI or NI at the organisational unit,
    by number: certain failures, even inside a goal that is not rated yet, so the team sees them
    first.
    """

    process_area: str
    maturity_level: int
    reason: str
    goals: tuple[str, ...]
    failing_practices: tuple[str, ...] = ()

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

    def to_dict(self, *, extended: bool = True, levels: bool = True) -> dict[str, Any]:
        """The results JSON of DESIGN §6; `extended` adds "next_level" and "blockers".

        `levels=False` (an appraisal of method B or C, which shows no level) writes every
        maturity and capability level as null, "next_level" null and no blockers: the keys stay,
        so a reader of §6 still finds them.
        """
        data: dict[str, Any] = {
            "maturity_level": self.maturity_level if levels else None,
            "equivalent_maturity_level": self.equivalent_maturity_level if levels else None,
            "process_areas": {
                acr: self.process_areas[acr].to_dict(levels=levels) for acr in self.process_areas
            },
            "pending": [entry.to_dict() for entry in self.pending],
            "reviews": [entry.to_dict() for entry in self.reviews],
            "uncovered": [cell.to_dict() for cell in self.uncovered],
        }
        if extended:
            data["next_level"] = self.next_level if levels else None
            data["blockers"] = [blocker.to_dict() for blocker in self.blockers] if levels else []
        return data
