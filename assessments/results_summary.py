"""The results of an appraisal as plain text (`manage.py rate_appraisal ID` without `--json`).

Everything comes from the engine's results (DESIGN §4); this module only lays them out: the
maturity level (or equivalent staging), a table of process areas with rating, capability level
and goal ratings, the pending practice judgments, the goals to review, the judgments the engine
ignores, and what blocks the next maturity level. Method A labels the levels indicative; methods
B and C print no maturity or capability level at all (DESIGN §3 Method).
"""

from __future__ import annotations

from assessments import rating
from assessments.engine_input import AppraisalState
from assessments.labels import (
    CL_NOT_RATED,
    INDICATIVE_SHORT,
    RATING_WORDS,
    SUMMARY_BLOCKER_WORDS,
    SUMMARY_INVALID_WORDS,
)
from assessments.results_chart import target_level

GOAL_MARKS = {rating.SATISFIED: "+", rating.UNSATISFIED: "-", rating.NOT_RATED: "?"}
LEGEND = "Goals: + satisfied, - unsatisfied, ? not rated yet, * settled by a team judgment."
NO_LEVELS = (
    "Method {method}: characterizations and goal indications only, no maturity or capability level."
)


def _goals(result: rating.PAResult) -> str:
    return " ".join(
        f"{code.replace(' ', '')}{GOAL_MARKS.get(goal_rating, '?')}"
        f"{'*' if code in result.judged_goals else ''}"
        for code, goal_rating in result.goals.items()
    )


def _capability_level(result: rating.PAResult) -> str:
    if result.rating in (rating.NOT_APPLICABLE, rating.OUT_OF_SCOPE):
        return ""
    level = result.capability_level
    return CL_NOT_RATED if level is None else str(level)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
        ).rstrip()

    return [line(header), line(["-" * width for width in widths]), *map(line, rows)]


def summary_text(state: AppraisalState) -> str:
    """A readable report of `state.results`, one line per fact, ending with a newline."""
    appraisal, results, catalog = state.appraisal, state.results, state.catalog
    names = catalog.maturity_level_names
    staged = results.representation == rating.STAGED
    levels = appraisal.shows_levels
    lines = [
        f"{appraisal.name} ({appraisal.organisation.name})",
        f"Model: {appraisal.variant.name}, {appraisal.variant.constellation}",
        f"Method: {appraisal.method}",
    ]
    if staged:
        lines.append(f"Representation: staged, target ML{appraisal.target_maturity_level}")
        level, label = results.maturity_level, "Maturity level"
    else:
        lines.append("Representation: continuous")
        level, label = results.equivalent_maturity_level, "Equivalent maturity level"
    if levels:
        lines += ["", f"{label}: {level} ({names.get(level, '')}), {INDICATIVE_SHORT}"]
    else:
        lines += ["", NO_LEVELS.format(method=appraisal.method)]

    rows = []
    for acronym, result in sorted(
        results.process_areas.items(),
        key=lambda item: (catalog.process_areas[item[0]].maturity_level.number, item[0]),
    ):
        target = target_level(state, acronym)
        row = [acronym, str(result.maturity_level), RATING_WORDS.get(result.rating, result.rating)]
        if levels:
            row += [_capability_level(result), "" if target is None else str(target)]
        rows.append([*row, _goals(result)])
    header = ["PA", "ML", "Rating", *(["CL", "Target"] if levels else []), "Goals"]
    lines += ["", *_table(header, rows), LEGEND]

    lines += ["", f"Pending practice judgments: {len(results.pending)}"]
    for entry in results.pending:
        practice = results.process_areas[entry.process_area].practices[entry.practice]
        values = ", ".join(
            f"{key} {value or 'unrated'}" for key, value in practice.instances.items()
        )
        lines.append(
            f"  {entry.process_area} {entry.practice}: {' or '.join(entry.choices)}? ({values})"
        )
    lines += ["", f"Goals to review: {len(results.reviews)}"]
    for entry in results.reviews:
        practices = results.process_areas[entry.process_area].practices.values()
        li = [p.code for p in practices if p.goal == entry.goal and p.value == rating.LI]
        lines.append(
            f"  {entry.process_area} {entry.goal}: {' or '.join(entry.choices)}? "
            f"(LI: {', '.join(li)})"
        )
    if results.invalid_judgments:
        lines += ["", f"Ignored judgments: {len(results.invalid_judgments)}"]
        for judgment in results.invalid_judgments:
            reason = SUMMARY_INVALID_WORDS.get(judgment.reason, judgment.reason)
            lines.append(f"  {judgment.process_area} {judgment.code} {judgment.value}: {reason}")

    if not levels:
        return "\n".join(lines) + "\n"
    lines.append("")
    if results.next_level is None:
        lines.append("Next maturity level: none, the model's highest level is reached.")
    else:
        lines.append(f"What blocks maturity level {results.next_level}: {len(results.blockers)}")
        for blocker in results.blockers:
            reason = SUMMARY_BLOCKER_WORDS.get(blocker.reason, blocker.reason)
            goals = f" ({', '.join(blocker.goals)})" if blocker.goals else ""
            failing = (
                f"; already PI/NI: {', '.join(blocker.failing_practices)}"
                if blocker.failing_practices
                else ""
            )
            lines.append(
                f"  ML{blocker.maturity_level} {blocker.process_area}: {reason}{goals}{failing}"
            )
    return "\n".join(lines) + "\n"
