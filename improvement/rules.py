"""The improvement cycle's rules, in plain Python (no ORM): status moves, "which bits first"
priority, overdue, and when the next appraisal suggests verifying an action.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PROPOSED, PLANNED, IN_PROGRESS = "proposed", "planned", "in_progress"
DEPLOYED, VERIFIED, DROPPED = "deployed", "verified", "dropped"
STATUS_ORDER = (PROPOSED, PLANNED, IN_PROGRESS, DEPLOYED, VERIFIED, DROPPED)

# Forward one step, back one step, or drop; a verified action may be reopened (the next appraisal
# found the practice weak again), a dropped one proposed again.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PROPOSED: (PLANNED, DROPPED),
    PLANNED: (IN_PROGRESS, PROPOSED, DROPPED),
    IN_PROGRESS: (DEPLOYED, PLANNED, DROPPED),
    DEPLOYED: (VERIFIED, IN_PROGRESS, DROPPED),
    VERIFIED: (IN_PROGRESS,),
    DROPPED: (PROPOSED,),
}
# No longer waiting for work: never overdue, never reminded.
SETTLED = frozenset({DEPLOYED, VERIFIED, DROPPED})
# Counted as done in a PA's progress.
DONE = frozenset({DEPLOYED, VERIFIED})

PRIORITY_HIGHEST, PRIORITY_LOWEST = 1, 9
OVERDUE_KIND, DUE_SOON_KIND = "overdue", "due_soon"
REMIND_DAYS = 7
GOOD_PRACTICE_VALUES = frozenset({"FI", "LI"})


def can_move(old: str, new: str) -> bool:
    return new in TRANSITIONS.get(old, ())


def is_overdue(status: str, due_date: datetime.date | None, today: datetime.date) -> bool:
    return due_date is not None and due_date < today and status not in SETTLED


def reminder_kind(
    status: str, due_date: datetime.date | None, today: datetime.date, *, days: int = REMIND_DAYS
) -> str | None:
    """ "overdue", "due_soon" (due within `days` days, today included) or None."""
    if due_date is None or status in SETTLED:
        return None
    if due_date < today:
        return OVERDUE_KIND
    if due_date <= today + datetime.timedelta(days=days):
        return DUE_SOON_KIND
    return None


@dataclass(frozen=True)
class Target:
    """What an action addresses: a PA, optionally a goal ("SG 1", "GG 2") or a practice."""

    process_area: str
    maturity_level: int
    goal: str = ""
    practice: str = ""


def default_priority(targets: Iterable[Target], blockers: Mapping[str, Iterable[str]]) -> int:
    """DESIGN §4.7 "which bits first": the lowest maturity level of the action's PAs first, then
    whether it answers a blocker of the next level.

    `blockers` maps a PA that blocks the next maturity level to the goals it is blocked on. A
    target answers a blocker when its PA blocks and it names no goal, or names one of the blocking
    goals (a practice counts through its goal, given in `goal`). Priority 1 is an ML2 blocker, 2
    another ML2 action, 3 an ML3 blocker … 8 another ML5 action; 9 an action with no PA.
    """
    targets = list(targets)
    if not targets:
        return PRIORITY_LOWEST
    level = min(max(t.maturity_level, 2) for t in targets)
    answers = any(
        t.process_area in blockers and (not t.goal or t.goal in set(blockers[t.process_area]))
        for t in targets
        if max(t.maturity_level, 2) == level
    )
    return min(2 * (level - 2) + (1 if answers else 2), PRIORITY_LOWEST)


def verification_suggested(targets: Iterable[Target], results: Mapping[str, Any]) -> bool:
    """DESIGN §3: the next appraisal suggests marking an action verified when what it addresses
    is now good there: every practice it names rated LI or FI, every goal it names (without a
    practice) satisfied, every PA it names alone satisfied. `results` is `Results.to_dict()` of
    the next appraisal. An action with no target is never suggested.
    """
    targets = list(targets)
    if not targets:
        return False
    pas = results.get("process_areas") or {}
    for target in targets:
        pa = pas.get(target.process_area)
        if not pa:
            return False
        if target.practice:
            if (pa.get("practices") or {}).get(target.practice) not in GOOD_PRACTICE_VALUES:
                return False
        elif target.goal:
            if (pa.get("goals") or {}).get(target.goal) != "satisfied":
                return False
        elif pa.get("rating") != "satisfied":
            return False
    return True
