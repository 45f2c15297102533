"""The rating engine (DESIGN §4): plain values in, plain values out.

No ORM, no request: callers turn the catalog into a `ModelSpec` (the model variant, already
filtered) and the appraisal into an `AppraisalInput`, then call `rate()`. Everything that rates
calls this package; nothing re-implements a rule. The result does not depend on the order of any
input (DESIGN §4.7): every dict and list it returns is built in a sorted order.

Modules: `values` (vocabulary), `inputs`, `results`, `rules` (one PA, §4.0–4.4) and `engine`
(the appraisal, §4.5–4.7). Import the names from here.
"""

from assessments.rating.engine import rate, rate_process_area
from assessments.rating.inputs import (
    AppraisalInput,
    GenericGoalSpec,
    GoalSpec,
    ModelSpec,
    ProcessAreaSpec,
)
from assessments.rating.results import (
    Blocker,
    GoalReview,
    InvalidJudgment,
    PAResult,
    PendingPractice,
    PracticeResult,
    Results,
)
from assessments.rating.values import (
    CONTINUOUS,
    ERROR_CHARACTERIZATION,
    ERROR_REPRESENTATION,
    ERROR_TARGET,
    FAILING_VALUES,
    FI,
    GOAL_CHOICES,
    INVALID_VALUE,
    LI,
    MATURITY_CL_CAP,
    NI,
    NOT_A_RANGE,
    NOT_APPLICABLE,
    NOT_FOR_REVIEW,
    NOT_RATED,
    NOT_REQUIRED,
    NY,
    OUT_OF_SCOPE,
    PI,
    PRACTICE_VALUES,
    RANGE_CHOICES,
    SATISFIED,
    STAGED,
    UNREACHABLE,
    UNSATISFIED,
    code_sort_key,
)

__all__ = [
    "CONTINUOUS",
    "ERROR_CHARACTERIZATION",
    "ERROR_REPRESENTATION",
    "ERROR_TARGET",
    "FAILING_VALUES",
    "FI",
    "GOAL_CHOICES",
    "INVALID_VALUE",
    "LI",
    "MATURITY_CL_CAP",
    "NI",
    "NOT_APPLICABLE",
    "NOT_A_RANGE",
    "NOT_FOR_REVIEW",
    "NOT_RATED",
    "NOT_REQUIRED",
    "NY",
    "OUT_OF_SCOPE",
    "PI",
    "PRACTICE_VALUES",
    "RANGE_CHOICES",
    "SATISFIED",
    "STAGED",
    "UNREACHABLE",
    "UNSATISFIED",
    "AppraisalInput",
    "Blocker",
    "GenericGoalSpec",
    "GoalReview",
    "GoalSpec",
    "InvalidJudgment",
    "ModelSpec",
    "PAResult",
    "PendingPractice",
    "PracticeResult",
    "ProcessAreaSpec",
    "Results",
    "code_sort_key",
    "rate",
    "rate_process_area",
]
