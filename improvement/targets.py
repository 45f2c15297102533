"""What an action or proposal addresses, written as text: "REQM", "REQM SG 1", "IRM SP 1.2",
"IRM GP 2.2" — one per line or comma-separated — resolved against a model variant's catalog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assessments.engine_input import Catalog
from improvement import rules
from models_catalog.models import GenericGoal, GenericPractice, ProcessArea, SpecificGoal

NO_MODEL = "The organisation has no appraisal yet, so there is no model to name PAs from."
UNKNOWN_PA = "{acronym} is not a process area of {variant}."
UNKNOWN_CODE = "{code} is not a goal or practice of {acronym}."
BAD_ENTRY = (
    "{entry!r} is not a process area, goal or practice: write e.g. REQM, REQM SG 1, IRM SP 1.2."
)

_ENTRY = re.compile(r"^([A-Za-z][A-Za-z0-9+-]*)(?:\s+((?:SG|GG|SP|GP)\s*\d+(?:\.\d+)?))?$", re.I)


@dataclass(frozen=True)
class ResolvedTarget:
    process_area: ProcessArea
    goal: SpecificGoal | GenericGoal | None = None
    practice: object | None = None  # SpecificPractice | GenericPractice

    @property
    def rule_target(self) -> rules.Target:
        return rules.Target(
            process_area=self.process_area.acronym,
            maturity_level=self.process_area.maturity_level.number,
            goal=self.goal.code if self.goal else "",
            practice=self.practice.code if self.practice else "",
        )

    def __str__(self) -> str:
        code = self.practice.code if self.practice else self.goal.code if self.goal else ""
        return f"{self.process_area.acronym} {code}".strip()


def _normal_code(code: str) -> str:
    match = re.match(r"([A-Za-z]+)\s*(.+)", code.strip())
    return f"{match.group(1).upper()} {match.group(2)}" if match else code


def parse_targets(text: str, catalog: Catalog) -> tuple[list[ResolvedTarget], list[str]]:
    """(targets, errors): every entry of `text` resolved, or an error naming what is wrong.

    Duplicates are dropped; a practice brings its goal (GP n.m brings GG n).
    """
    targets: list[ResolvedTarget] = []
    errors: list[str] = []
    seen: set[str] = set()
    for raw in re.split(r"[,\n;]+", text or ""):
        entry = " ".join(raw.split())
        if not entry:
            continue
        match = _ENTRY.match(entry)
        if not match:
            errors.append(BAD_ENTRY.format(entry=entry))
            continue
        acronym = match.group(1).upper()
        pa = catalog.process_areas.get(acronym)
        if pa is None:
            errors.append(UNKNOWN_PA.format(acronym=acronym, variant=catalog.variant.name))
            continue
        target = ResolvedTarget(process_area=pa)
        if match.group(2):
            code = _normal_code(match.group(2))
            if code.startswith(("SP", "GP")):
                practice = catalog.practice(acronym, code)
                if practice is None:
                    errors.append(UNKNOWN_CODE.format(code=code, acronym=acronym))
                    continue
                goal = (
                    practice.generic_goal
                    if isinstance(practice, GenericPractice)
                    else catalog.goal(acronym, f"SG {practice.goal.number}")
                )
                target = ResolvedTarget(process_area=pa, goal=goal, practice=practice)
            else:
                goal = catalog.goal(acronym, code)
                if goal is None:
                    errors.append(UNKNOWN_CODE.format(code=code, acronym=acronym))
                    continue
                target = ResolvedTarget(process_area=pa, goal=goal)
        if str(target) not in seen:
            seen.add(str(target))
            targets.append(target)
    return targets, errors


def targets_text(targets) -> str:
    """The text form of stored targets (ActionTarget rows), one per line."""
    return "\n".join(str(target) for target in targets)
