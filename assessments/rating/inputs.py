"""What the engine reads: the model variant (`ModelSpec`) and the appraisal (`AppraisalInput`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


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
