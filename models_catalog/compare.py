"""Compare the specific goals and practices of two process areas: what stayed, moved, changed.

Plain data in and out, no database: the caller reads both PAs and hands their trees over as
``[(goal code, goal title, [(practice code, practice title), ...]), ...]``, the *source* first (the
model an organisation moves from), then the *target* (the model it moves to).

Practices are compared with practices wherever they sit in the PA, goals with goals, in passes:

1. **same** / **moved**: equal titles once normalised (case, punctuation and spacing do not
   count). Same code: *same*; another code: *moved*.
2. **renamed**: the same code on both sides, neither matched in pass 1, and titles that share
   enough of their words to be one item reworded ("Obtain an Understanding of Requirements" →
   "Understand Requirements"). Numbers do not always carry over between models (OPP SP 1.1 is
   "Select Processes" in the 2007 draft but "Establish Quality and Process Performance
   Objectives" in v1.3), so the same code under an unrelated title is not a rename but one item
   removed and another added. Two goals with the same code are also a rename when a practice of
   one was matched to a practice of the other: "Manage Incidents and Requests" (IRM SG 2) →
   "Identify, Control, and Address Individual Incidents" (IRP SG 2), whose SP 2.1 renames IRM's.
3. **renamed** under another code: titles as alike, in words that few other titles use, e.g.
   "Estimate the Scope of the Project" (PP SP 1.1) → "Estimate the Scope of the Work" (WP SP 1.2).
4. What is left is **removed** (only in the source) or **added** (only in the target).

Rows come in the target's order; a removed goal or practice follows the row that precedes it in the
source. A practice row sits under the goal row of its target goal, or of its source goal when it
was removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["same", "renamed", "moved", "added", "removed"]
STATUSES: tuple[Status, ...] = ("same", "renamed", "moved", "added", "removed")

# How much of their significant words (Dice coefficient: 2 × shared / total) two titles must share
# to count as one item renamed. Under different codes the shared words must also be telling:
# weighting each word by 1 / the number of titles of the two lists that use it, the weighted
# coefficient must reach RENAMED_OTHER_CODE_WEIGHTED too. This keeps "Establish the Organization's
# Standard Service Repository" (OSM SP 2.4) from becoming "Establish Plans for Standard Services"
# (STSM SP 1.2) where most titles say "Establish" and "Standard Services".
RENAMED = 0.5
RENAMED_OTHER_CODE_WEIGHTED = 0.3

STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "its"}
    | {"of", "on", "or", "that", "the", "their", "to", "will", "with"}
)

PracticeInput = tuple[str, str]
GoalInput = tuple[str, str, Sequence[PracticeInput]]
Pairing = tuple["Status", int | None, int | None]


@dataclass(frozen=True)
class Item:
    code: str
    title: str


@dataclass
class PracticeRow:
    status: Status
    source: Item | None
    target: Item | None


@dataclass
class GoalRow:
    status: Status
    source: Item | None
    target: Item | None
    practices: list[PracticeRow] = field(default_factory=list)


@dataclass
class Comparison:
    goals: list[GoalRow]
    goal_counts: dict[Status, int]
    practice_counts: dict[Status, int]

    @property
    def changed(self) -> bool:
        """Whether anything is other than *same*."""
        return any(self.goal_counts[s] or self.practice_counts[s] for s in STATUSES[1:])


def normalise(title: str) -> str:
    """Lower case, apostrophes dropped, any other run of punctuation or space as one space."""
    text = re.sub(r"['’]", "", title.casefold())
    return " ".join(re.findall(r"[^\W_]+", text))


def _stem(word: str) -> str:
    """A light stem, enough to fold plurals and -ing forms: "understanding" → "understand"."""
    if word.endswith("ing") and len(word) > 6:
        word = word[:-3]
        if word[-1] == word[-2] and word[-1] not in "ls":
            word = word[:-1]  # planning → plan
        return word
    if word.endswith("sses"):
        return word[:-2]  # processes → process
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def words(title: str) -> frozenset[str]:
    """The significant words of a title, stemmed: stop words such as "the" and "of" left out."""
    return frozenset(_stem(w) for w in normalise(title).split() if w not in STOP_WORDS)


def similarity(a: str, b: str, weights: Mapping[str, float] | None = None) -> float:
    """Dice coefficient of the two titles' significant words: 0 (none shared) to 1 (the same).

    With ``weights``, each word counts for its weight (1 when it has none) instead of 1.
    """
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0

    def size(ws: frozenset[str]) -> float:
        return len(ws) if weights is None else sum(weights.get(w, 1.0) for w in ws)

    return 2 * size(wa & wb) / (size(wa) + size(wb))


def match(
    source: Sequence[Item],
    target: Sequence[Item],
    related: Callable[[int, int], bool] | None = None,
) -> list[Pairing]:
    """Pair the items of two lists: ``(status, source index or None, target index or None)``.

    ``related(i, j)``, when given, says that two items with the same code belong together even
    though their titles differ too much (pass 2). Every index of each list appears exactly once.
    """
    pairs: dict[int, tuple[Status, int]] = {}  # source index -> (status, target index)
    taken: set[int] = set()

    def pair(i: int, j: int, status: Status) -> None:
        pairs[i] = (status, j)
        taken.add(j)

    def free(i: int, j: int) -> bool:
        return i not in pairs and j not in taken

    keys_s = [normalise(s.title) for s in source]
    keys_t = [normalise(t.title) for t in target]
    # 1. Equal titles: same code first, so that a repeated title pairs with its own code.
    for i, s in enumerate(source):
        for j, t in enumerate(target):
            if free(i, j) and keys_s[i] == keys_t[j] and s.code == t.code:
                pair(i, j, "same")
    for i in range(len(source)):
        for j in range(len(target)):
            if free(i, j) and keys_s[i] == keys_t[j]:
                pair(i, j, "moved")
    # 2. Same code, titles alike (or the items related).
    for i, s in enumerate(source):
        for j, t in enumerate(target):
            if (
                free(i, j)
                and s.code == t.code
                and (
                    similarity(s.title, t.title) >= RENAMED
                    or (related is not None and related(i, j))
                )
            ):
                pair(i, j, "renamed")
    # 3. Other codes, titles closer still, in telling words: the most alike first.
    uses = Counter(w for item in [*source, *target] for w in words(item.title))
    weights = {w: 1 / n for w, n in uses.items()}
    candidates = sorted(
        (-score, i, j)
        for i, s in enumerate(source)
        for j, t in enumerate(target)
        if free(i, j)
        and (score := similarity(s.title, t.title)) >= RENAMED
        and similarity(s.title, t.title, weights) >= RENAMED_OTHER_CODE_WEIGHTED
    )
    for _score, i, j in candidates:
        if free(i, j):
            pair(i, j, "renamed")

    rows: list[Pairing] = [(status, i, j) for i, (status, j) in pairs.items()]
    rows += [("removed", i, None) for i in range(len(source)) if i not in pairs]
    rows += [("added", None, j) for j in range(len(target)) if j not in taken]
    return _ordered(rows)


def _ordered(rows: list[Pairing]) -> list[Pairing]:
    """Rows with a target in target order; each removed row after its predecessor in the source."""
    ordered = sorted((r for r in rows if r[2] is not None), key=lambda r: r[2])
    for row in sorted((r for r in rows if r[2] is None), key=lambda r: r[1]):
        with_source = [k for k, r in enumerate(ordered) if r[1] is not None]
        before = [k for k in with_source if ordered[k][1] < row[1]]
        if before:
            position = before[-1] + 1
        elif with_source:
            position = with_source[0]
        else:
            position = len(ordered)
        ordered.insert(position, row)
    return ordered


def _counts(statuses) -> dict[Status, int]:
    counts = Counter(statuses)
    return {s: counts[s] for s in STATUSES}


def compare(source: Sequence[GoalInput], target: Sequence[GoalInput]) -> Comparison:
    """The goals and practices of ``source`` and ``target`` side by side, each with a status."""
    source_goals = [Item(code, title) for code, title, _ in source]
    target_goals = [Item(code, title) for code, title, _ in target]
    # Every practice with the index of its goal, flattened: practices match across goals.
    source_practices = [(g, Item(*p)) for g, (_, _, ps) in enumerate(source) for p in ps]
    target_practices = [(g, Item(*p)) for g, (_, _, ps) in enumerate(target) for p in ps]

    practice_pairs = match([p for _, p in source_practices], [p for _, p in target_practices])
    # Goals that share a practice (same, moved or renamed) belong together.
    linked = {
        (source_practices[i][0], target_practices[j][0])
        for _, i, j in practice_pairs
        if i is not None and j is not None
    }
    goal_pairs = match(source_goals, target_goals, related=lambda i, j: (i, j) in linked)

    goal_rows: list[GoalRow] = []
    row_of_source_goal: dict[int, GoalRow] = {}
    row_of_target_goal: dict[int, GoalRow] = {}
    for status, i, j in goal_pairs:
        row = GoalRow(
            status,
            None if i is None else source_goals[i],
            None if j is None else target_goals[j],
        )
        goal_rows.append(row)
        if i is not None:
            row_of_source_goal[i] = row
        if j is not None:
            row_of_target_goal[j] = row

    for status, i, j in practice_pairs:
        if j is not None:
            goal_row = row_of_target_goal[target_practices[j][0]]
        else:
            goal_row = row_of_source_goal[source_practices[i][0]]
        goal_row.practices.append(
            PracticeRow(
                status,
                None if i is None else source_practices[i][1],
                None if j is None else target_practices[j][1],
            )
        )

    return Comparison(
        goal_rows,
        _counts(row.status for row in goal_rows),
        _counts(p.status for row in goal_rows for p in row.practices),
    )
