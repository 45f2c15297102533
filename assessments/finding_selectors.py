"""Reads of findings for pages and the report: per PA and goal, the cells lacking a weakness,
the preliminary findings. Everything comes from one `AppraisalState`: no query of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assessments import rating
from assessments.engine_input import AppraisalState
from assessments.models import Finding, Instance

# SCAMPI: these org-unit or instance values mean weaknesses were found (DESIGN §3).
WEAKNESS_VALUES = ("LI", "PI", "NI")


@dataclass
class GoalFindings:
    """The findings of one goal of a PA; `code` "" holds those on the PA as a whole."""

    code: str
    title: str
    rating: str | None
    strengths: list[Finding] = field(default_factory=list)
    weaknesses: list[Finding] = field(default_factory=list)
    # Preliminary findings: the practices of the goal that are not FI, with their value.
    practices_not_fi: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.strengths + self.weaknesses


@dataclass
class MissingWeakness:
    """A cell characterized LI, PI or NI that no weakness covers (on its practice, or on its
    practice and instance)."""

    acronym: str
    practice: str
    title: str
    instance: Instance
    value: str

    @property
    def slug(self) -> str:
        """The practice as URLs carry it: "SP-1.1"."""
        return self.practice.replace(" ", "-")


@dataclass
class PAFindings:
    acronym: str
    name: str
    rating: str
    goals: list[GoalFindings]
    missing: list[MissingWeakness] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(goal.findings) for goal in self.goals)


def annotate(state: AppraisalState) -> None:
    """Give every finding of the state `goal_code` (its own goal, else its practice's goal, else
    "") and `instance` (the Instance or None), from rows already loaded: no query."""
    specific = {goal.pk: goal.code for (acronym, _), goal in state.catalog.goals.items() if acronym}
    generic = {goal.pk: goal.code for goal in state.catalog.generic_goals}
    instances = {instance.pk: instance for instance in state.instances}
    for finding in state.findings:
        if finding.specific_goal_id:
            code = specific.get(finding.specific_goal_id, "")
        elif finding.generic_goal_id:
            code = generic.get(finding.generic_goal_id, "")
        elif finding.specific_practice_id:
            code = finding.specific_practice.goal.code
        elif finding.generic_practice_id:
            code = finding.generic_practice.generic_goal.code
        else:
            code = ""
        finding.goal_code = code
        finding.instance = instances.get(finding.sampled_instance_id)


def group_by_goal(
    state: AppraisalState,
    acronym: str,
    findings: list[Finding],
    *,
    every_goal: bool = False,
) -> list[GoalFindings]:
    """The findings of a PA per goal, in the goal order of the results (SGs, then GGs), the PA
    as a whole last. Only goals with findings unless `every_goal`. Call `annotate` first."""
    result = state.results.process_areas[acronym]
    codes = list(result.required_goals)
    extra = sorted({f.goal_code for f in findings if f.goal_code and f.goal_code not in codes})
    groups: dict[str, GoalFindings] = {}
    for code in [*codes, *sorted(extra, key=rating.code_sort_key), ""]:
        goal = state.catalog.goal(acronym, code) if code else None
        groups[code] = GoalFindings(
            code=code, title=goal.title if goal else "", rating=result.goals.get(code)
        )
    for finding in findings:
        group = groups[finding.goal_code]
        (group.strengths if finding.kind == Finding.Kind.STRENGTH else group.weaknesses).append(
            finding
        )
    return [g for g in groups.values() if every_goal and g.code or g.findings]


def missing_weaknesses(state: AppraisalState, acronym: str) -> list[MissingWeakness]:
    """Cells of required practices characterized LI, PI or NI with no weakness on that practice
    (for every instance) or on that practice and instance. Sorted by practice, then instance."""
    covered: set[tuple[str, int | None]] = {
        (f.practice_code, f.sampled_instance_id)
        for f in state.findings_for(acronym)
        if f.kind == Finding.Kind.WEAKNESS and f.practice_code
    }
    result = state.results.process_areas[acronym]
    missing = []
    for code, practice_result in result.practices.items():
        if (code, None) in covered:
            continue
        for instance in state.coverage.get(acronym, []):
            # The engine's practice holds each covering instance's value: no cell is read.
            value = practice_result.instances.get(instance.key)
            if value in WEAKNESS_VALUES and (code, instance.pk) not in covered:
                practice = state.catalog.practice(acronym, code)
                missing.append(
                    MissingWeakness(
                        acronym, code, practice.title if practice else "", instance, value
                    )
                )
    return missing


def findings_page(state: AppraisalState) -> list[PAFindings]:
    """The findings page: per PA in scope (then any other PA with findings), per goal, and the
    cells that lack a weakness."""
    annotate(state)
    pages = []
    for acronym, pa in state.catalog.process_areas.items():
        result = state.results.process_areas[acronym]
        findings = state.findings_for(acronym)
        in_scope = acronym in state.in_scope
        if not findings and not in_scope:
            continue
        entry = PAFindings(
            acronym=acronym,
            name=pa.name,
            rating=result.rating,
            goals=group_by_goal(state, acronym, findings),
            missing=missing_weaknesses(state, acronym) if in_scope else [],
        )
        if entry.goals or entry.missing:
            pages.append(entry)
    return pages


def preliminary_findings(state: AppraisalState) -> list[PAFindings]:
    """The preliminary findings the team presents: per PA in scope and goal, the characterized
    practices not FI at the organisational-unit level with their value (LI or PI? while a range
    waits for a judgment), and every strength and weakness."""
    annotate(state)
    pages = []
    for acronym in state.in_scope:
        result = state.results.process_areas[acronym]
        findings = state.findings_for(acronym)
        goals = group_by_goal(state, acronym, findings, every_goal=True)
        by_code = {goal.code: goal for goal in goals}
        for code, practice in result.practices.items():
            # Unrated practices are left out: nothing was found about them yet.
            characterized = practice.value is not None or practice.pending
            if characterized and practice.value != rating.FI and practice.goal in by_code:
                title = state.catalog.practice(acronym, code)
                label = practice.value or "LI or PI?"
                by_code[practice.goal].practices_not_fi.append(
                    (code, title.title if title else "", label)
                )
        pa = state.catalog.process_areas[acronym]
        goals = [g for g in goals if g.findings or g.practices_not_fi]
        pages.append(PAFindings(acronym=acronym, name=pa.name, rating=result.rating, goals=goals))
    return pages


def unvalidated_count(findings: list[Finding]) -> int:
    return sum(1 for f in findings if f.validation == Finding.Validation.PENDING)
