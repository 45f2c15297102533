"""The engine's vocabulary: practice values, ratings, reasons, error messages, code order."""

from __future__ import annotations

import re
from functools import lru_cache

FI, LI, PI, NI, NY = "FI", "LI", "PI", "NI", "NY"
PRACTICE_VALUES = (FI, LI, PI, NI, NY)
FAILING_VALUES = (PI, NI)  # a practice at one of these fails its goal once the goal is rated
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


# Cached: the engine sorts the same few hundred catalog codes thousands of times per rating
# (13,000 calls for the benchmark appraisal), and the key is an immutable tuple.
@lru_cache(maxsize=4096)
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
