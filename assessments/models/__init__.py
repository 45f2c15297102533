"""Appraisals of an organisation's processes against a model variant (DESIGN §3), by concern:
`organisations` (organisations, roles, memberships), `appraisals` (appraisal, status changes,
scope, instances), `ratings` (cells and judgments), `findings`. Import the names from here.

Ratings are never computed here: `assessments.rating` does that from plain data.
"""

from assessments.models.appraisals import (
    Appraisal,
    AppraisalCoveragePolicy,
    AppraisalEvidenceModel,
    AppraisalMethod,
    AppraisalRepresentation,
    AppraisalStatus,
    Instance,
    InstanceKind,
    ScopeItem,
    ScopeItemApplicability,
    StatusChange,
)
from assessments.models.findings import (
    Finding,
    FindingKind,
    FindingValidation,
)
from assessments.models.organisations import (
    ROLE_RANK,
    Membership,
    Organisation,
    Role,
)
from assessments.models.ratings import (
    Characterization,
    GoalJudgment,
    GoalJudgmentRating,
    PracticeJudgment,
    PracticeJudgmentChoice,
    PracticeRef,
    Value,
)

__all__ = [
    "ROLE_RANK",
    "Appraisal",
    "AppraisalCoveragePolicy",
    "AppraisalEvidenceModel",
    "AppraisalMethod",
    "AppraisalRepresentation",
    "AppraisalStatus",
    "Characterization",
    "Finding",
    "FindingKind",
    "FindingValidation",
    "GoalJudgment",
    "GoalJudgmentRating",
    "Instance",
    "InstanceKind",
    "Membership",
    "Organisation",
    "PracticeJudgment",
    "PracticeJudgmentChoice",
    "PracticeRef",
    "Role",
    "ScopeItem",
    "ScopeItemApplicability",
    "StatusChange",
    "Value",
]
