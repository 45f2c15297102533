"""Every word shown to users for the engine's values (rating labels, blocker reasons, why a
judgment is ignored: results page, findings report, plain-text summary) and for the set-up
rules (validators' refusals, the words of the database constraints).

The engine (`assessments.rating`) speaks in codes; these tables turn them into words. Each
surface keeps its own phrasing where its sentence needs it (a table cell on the page, a line of
the report, a column of `rate_appraisal`), but all of them live here, side by side.
"""

from __future__ import annotations

from assessments import rating

# A PA's or goal's rating, capitalised (results page, report tables, templates' `rating_label`).
RATING_LABELS = {
    rating.SATISFIED: "Satisfied",
    rating.UNSATISFIED: "Unsatisfied",
    rating.NOT_RATED: "Not rated",
    rating.NOT_APPLICABLE: "Not applicable",
    rating.OUT_OF_SCOPE: "Out of scope",
}
# The same in running text (`manage.py rate_appraisal`).
RATING_WORDS = {code: label.lower() for code, label in RATING_LABELS.items()}

# A PA in scope whose capability level is not certain yet (DESIGN §4.4): never drawn as CL0.
CL_NOT_RATED = "not rated"

# Method A levels (DESIGN §3 Method): the report's heading and the summary's suffix.
INDICATIVE = "Indicative maturity level — not an official SCAMPI A rating"
INDICATIVE_SHORT = "indicative, not an official SCAMPI A rating"

# Why a PA blocks the next maturity level (rating.Blocker.reason).
BLOCKER_REASONS = {  # results page
    rating.OUT_OF_SCOPE: "out of scope",
    rating.UNSATISFIED: "unsatisfied",
    rating.NOT_RATED: "not rated yet",
    rating.NOT_REQUIRED: "needs goals the appraisal's target does not rate",
    rating.UNREACHABLE: "the model has no generic goal for the level",
}
REPORT_BLOCKER_REASONS = {  # findings report
    rating.OUT_OF_SCOPE: "out of scope",
    rating.UNSATISFIED: "goals unsatisfied",
    rating.NOT_RATED: "goals not rated yet",
    rating.NOT_REQUIRED: "the target does not rate the goals this level needs",
    rating.UNREACHABLE: "the model has no generic goal for the level",
}
SUMMARY_BLOCKER_WORDS = {  # rate_appraisal
    rating.OUT_OF_SCOPE: "out of scope",
    rating.UNSATISFIED: "unsatisfied",
    rating.NOT_RATED: "not rated yet",
    rating.NOT_REQUIRED: "needs goals the target does not rate",
    rating.UNREACHABLE: "the model has no generic goal for the level",
}

# Why the engine ignores a recorded judgment (rating.InvalidJudgment.reason).
INVALID_REASONS = {  # results page; {what} is "practice" or "goal"
    rating.INVALID_VALUE: "its value is not one the rules allow",
    rating.NOT_REQUIRED: "the appraisal's target does not rate this {what}",
    rating.NOT_A_RANGE: "the instances no longer leave a range between LI and PI",
    rating.NOT_FOR_REVIEW: "the goal is no longer satisfied with LI practices",
}
SUMMARY_INVALID_WORDS = {  # rate_appraisal
    rating.INVALID_VALUE: "not an allowed value",
    rating.NOT_REQUIRED: "not rated by the target",
    rating.NOT_A_RANGE: "the instances leave no LI/PI range",
    rating.NOT_FOR_REVIEW: "not a satisfied goal with LI practices",
}


# Refusals of the set-up rules (assessments.validators), and the words of the database
# constraints that hold the same invariants (assessments.models), so that no user ever reads a
# constraint's name.
PA_NOT_IN_VARIANT = "{acronym} is not a process area of {variant}."
STAGED_TARGET_MISSING = "Choose the target maturity level."
STAGED_NEEDS_TARGET = "A staged appraisal needs a target maturity level between 2 and {top}."
CONTINUOUS_NEEDS_PROFILE = "A continuous appraisal needs a target capability level for a PA."
CONTINUOUS_LEVEL_MISSING = "Choose a target capability level."
CAPABILITY_LEVEL_TOP = "{constellation} has capability levels up to {top}."
TARGET_CL_RANGE = "The target capability level of {acronym} must be between 1 and {top}."
DATE_ORDER = "The appraisal cannot end before it starts."
NA_NEEDS_JUSTIFICATION = "Say why {acronym} is not applicable."
NA_NOT_ALLOWED = (
    "{acronym} may not be declared not applicable in {constellation}: "
    "leave it out of scope instead."
)

STATUS_VALUES = "Not a status of an appraisal."
INSTANCE_KIND_VALUES = "An instance is a service, a project or a team."
NA_JUSTIFICATION = "Say why the process area is not applicable."
STAGED_TARGET_RANGE = "A staged appraisal needs a target maturity level between 2 and 5."
CL_RANGE = "A target capability level is between 1 and 5."


def rating_label(value: str | None) -> str:
    """'not_rated' → 'Not rated'; None reads as not rated."""
    return RATING_LABELS.get(value or rating.NOT_RATED, str(value))
