"""The findings report's read model (DESIGN §5): everything the template and the XLSX print.

`findings_report` reads the appraisal once through `load_appraisal_state` (the same numbers as the
results page), adds the ITSM mapping and the status history, and shapes the rows the report
prints. Its query count is fixed whatever the appraisal's size; the template does no queries.
"""

from __future__ import annotations

from django.utils import timezone

from assessments import finding_selectors, rating
from assessments.engine_input import AppraisalState, load_appraisal_state
from assessments.labels import RATING_LABELS, REPORT_BLOCKER_REASONS
from assessments.models import Appraisal, Finding, ScopeItem, StatusChange
from models_catalog.selectors import itsm_processes
from reports.disclosure import disclosure_statement
from reports.profile_chart import profile_chart
from reports.selectors.rows import (
    GRID_LINE_LANDSCAPE,
    GRID_LINE_PORTRAIT,
    PENDING,
    PORTRAIT_MAX_INSTANCES,
    UNRATED,
    BlockerRow,
    FindingsReport,
    GoalBlock,
    Grid,
    InstanceColumn,
    ItsmRow,
    JudgmentRow,
    PADetail,
    PARow,
    PendingRow,
    PracticeRow,
    ReviewRow,
    ScopeRow,
)


def _target(appraisal: Appraisal, item: ScopeItem | None) -> str:
    if appraisal.representation == Appraisal.Representation.CONTINUOUS:
        if item is not None and item.target_capability_level is not None:
            return f"CL{item.target_capability_level}"
        return ""
    return ""


def _org_value(result: rating.PracticeResult) -> str:
    if result.pending:
        return PENDING
    return result.value or ""


def _out_of_scope_reason(appraisal: Appraisal, item: ScopeItem | None, pa) -> str:
    if item is not None and item.applicability == ScopeItem.Applicability.OUT_OF_SCOPE:
        return item.justification or "Declared out of scope."
    if appraisal.representation == Appraisal.Representation.STAGED:
        return f"Above the target maturity level (ML{pa.maturity_level.number})."
    return "Not in the target profile."


def _practices(catalog, acronym: str, result: rating.PAResult) -> list:
    return [p for code in result.practices if (p := catalog.practice(acronym, code))]


def _judgment_row(acronym: str, code: str, judgment) -> JudgmentRow:
    user = judgment.decided_by
    return JudgmentRow(
        acronym=acronym,
        code=code,
        decision=getattr(judgment, "value", None) or RATING_LABELS.get(judgment.rating, ""),
        rationale=judgment.rationale,
        decided_by=(user.get_full_name() or user.username) if user else "",
        decided_at=judgment.decided_at,
    )


def findings_report(appraisal: Appraisal, *, state: AppraisalState | None = None) -> FindingsReport:
    """The findings report of `appraisal`: the state's queries plus four (ITSM mapping, its PAs,
    status history, the lead appraisers). Pass `state` when the caller already loaded it."""
    state = state or load_appraisal_state(appraisal)
    catalog, results = state.catalog, state.results
    numbers = {instance.pk: n for n, instance in enumerate(state.instances, start=1)}
    instances = [
        InstanceColumn(
            number=numbers[i.pk],
            key=i.key,
            name=i.name,
            kind=i.get_kind_display(),
            covered=list(getattr(i, "covered", [])),
        )
        for i in state.instances
    ]
    columns_by_pk = {i.pk: column for i, column in zip(state.instances, instances, strict=True)}

    # Rejected findings are dropped from the final report; a draft shows them, marked, so the
    # team sees what the participants turned down (docs/design-decisions.md).
    finding_selectors.annotate(state)
    shown = [
        f
        for f in state.findings
        if not (appraisal.is_final and f.validation == Finding.Validation.REJECTED)
    ]
    findings_by_pa: dict[str, list[Finding]] = {}
    for finding in shown:
        findings_by_pa.setdefault(finding.process_area.acronym, []).append(finding)

    widest = max((len(state.coverage.get(acr, [])) for acr in state.in_scope), default=0)
    landscape = widest > PORTRAIT_MAX_INSTANCES
    line_chars = GRID_LINE_LANDSCAPE if landscape else GRID_LINE_PORTRAIT

    in_scope, not_applicable, out_of_scope, pa_rows, details = [], [], [], [], []
    for acronym, result in results.process_areas.items():
        pa = catalog.process_areas[acronym]
        item = state.scope_items.get(acronym)
        target = _target(appraisal, item)
        pa_findings = findings_by_pa.get(acronym, [])
        counted = [f for f in pa_findings if f.validation != Finding.Validation.REJECTED]
        strengths = [f for f in pa_findings if f.kind == Finding.Kind.STRENGTH]
        weaknesses = [f for f in pa_findings if f.kind == Finding.Kind.WEAKNESS]
        covering = state.coverage.get(acronym, [])
        row = ScopeRow(acronym, pa.name, pa.maturity_level.number, target, len(covering))
        if result.rating == rating.NOT_APPLICABLE:
            row.justification = item.justification if item else ""
            not_applicable.append(row)
        elif result.rating == rating.OUT_OF_SCOPE:
            row.justification = _out_of_scope_reason(appraisal, item, pa)
            out_of_scope.append(row)
        else:
            in_scope.append(row)
        pa_rows.append(
            PARow(
                acronym=acronym,
                name=pa.name,
                category=pa.category.name,
                maturity_level=pa.maturity_level.number,
                rating=result.rating,
                capability_level=result.capability_level,
                target=target,
                strengths=sum(1 for f in counted if f.kind == Finding.Kind.STRENGTH),
                weaknesses=sum(1 for f in counted if f.kind == Finding.Kind.WEAKNESS),
            )
        )
        if result.rating in (rating.NOT_APPLICABLE, rating.OUT_OF_SCOPE):
            continue
        by_practice: dict[str, list[Finding]] = {}
        for finding in pa_findings:
            if finding.practice_code:
                by_practice.setdefault(finding.practice_code, []).append(finding)
        blocks: dict[str, GoalBlock] = {}
        for code in result.required_goals:
            goal = catalog.goal(acronym, code)
            blocks[code] = GoalBlock(
                code=code,
                title=goal.title if goal else "",
                rating=result.goals[code],
                judged=code in result.judged_goals,
                practices=[],
            )
        keys = [instance.key for instance in covering]
        grid = Grid(
            instances=len(covering),
            line_chars=line_chars,
            longest_title=max(
                (len(practice.title) for practice in _practices(catalog, acronym, result)),
                default=0,
            ),
        )
        for code, practice_result in result.practices.items():
            practice = catalog.practice(acronym, code)
            values = practice_result.instances
            blocks[practice_result.goal].practices.append(
                PracticeRow(
                    code=code,
                    title=practice.title if practice else "",
                    values=[values.get(key) or UNRATED for key in keys],
                    org=_org_value(practice_result),
                    judged=practice_result.judged,
                    findings=by_practice.get(code, []),
                )
            )
        column_numbers = [numbers[i.pk] for i in covering]
        for block in blocks.values():
            block.grid = grid.text(column_numbers, block.practices)
        details.append(
            PADetail(
                acronym=acronym,
                name=pa.name,
                purpose=pa.purpose,
                maturity_level=pa.maturity_level.number,
                rating=result.rating,
                capability_level=result.capability_level,
                target=target,
                columns=[columns_by_pk[i.pk] for i in covering],
                goals=list(blocks.values()),
                strengths=strengths,
                weaknesses=weaknesses,
                finding_groups=finding_selectors.group_by_goal(state, acronym, pa_findings),
            )
        )

    itsm_covered, itsm_uncovered = [], []
    for process in itsm_processes(constellation=appraisal.variant.constellation):
        # Only the PAs of the variant cover a process: Business Relationship Management maps to
        # the draft's OSM, so a variant without OSM does not cover it (docs/reports.md).
        mapped = list(process.process_areas.all())
        pas = [
            (pa.acronym, RATING_LABELS.get(results.process_areas[pa.acronym].rating, ""))
            for pa in mapped
            if pa.acronym in results.process_areas
        ]
        missing = [pa.acronym for pa in mapped if pa.acronym not in results.process_areas]
        row = ItsmRow(process.name, process.standard, process.note, pas, missing)
        (itsm_covered if pas else itsm_uncovered).append(row)

    covering_by_acronym = state.coverage
    pending = []
    for entry in results.pending:
        practice_result = results.process_areas[entry.process_area].practices[entry.practice]
        practice = catalog.practice(entry.process_area, entry.practice)
        pending.append(
            PendingRow(
                acronym=entry.process_area,
                code=entry.practice,
                title=practice.title if practice else "",
                values=[
                    (numbers[i.pk], practice_result.instances.get(i.key) or UNRATED)
                    for i in covering_by_acronym.get(entry.process_area, [])
                ],
            )
        )
    reviews = []
    for entry in results.reviews:
        goal = catalog.goal(entry.process_area, entry.goal)
        reviews.append(ReviewRow(entry.process_area, entry.goal, goal.title if goal else ""))
    order = list(results.process_areas)

    def sort_key(key: tuple[str, str]) -> tuple:
        acronym, code = key
        position = order.index(acronym) if acronym in order else len(order)
        return (position, rating.code_sort_key(code))

    practice_judgments = [
        _judgment_row(acr, code, state.practice_judgments[(acr, code)])
        for acr, code in sorted(state.practice_judgments, key=sort_key)
    ]
    goal_judgments = [
        _judgment_row(acr, code, state.goal_judgments[(acr, code)])
        for acr, code in sorted(state.goal_judgments, key=sort_key)
    ]
    blockers = [
        BlockerRow(
            acronym=b.process_area,
            maturity_level=b.maturity_level,
            reason=REPORT_BLOCKER_REASONS.get(b.reason, b.reason),
            goals=", ".join(b.goals),
            failing=", ".join(
                f"{code} {results.process_areas[b.process_area].practices[code].value}"
                for code in b.failing_practices
            ),
        )
        for b in results.blockers
    ]
    status_changes = list(
        StatusChange.objects.filter(appraisal=appraisal).select_related("user").order_by("at", "id")
    )
    report = FindingsReport(
        appraisal=appraisal,
        state=state,
        generated=timezone.localdate(),
        team=[line.strip() for line in appraisal.team.splitlines() if line.strip()],
        status_changes=status_changes,
        instances=instances,
        in_scope=in_scope,
        not_applicable=not_applicable,
        out_of_scope=out_of_scope,
        maturity_level=results.maturity_level,
        equivalent_maturity_level=results.equivalent_maturity_level,
        next_level=results.next_level,
        blockers=blockers,
        pa_rows=pa_rows,
        chart=profile_chart(state, pa_rows),
        details=details,
        itsm_covered=itsm_covered,
        itsm_uncovered=itsm_uncovered,
        pending=pending,
        reviews=reviews,
        practice_judgments=practice_judgments,
        goal_judgments=goal_judgments,
        findings=shown,
        landscape=landscape,
    )
    report.disclosure = disclosure_statement(appraisal, report.team, report.result_text)
    return report
