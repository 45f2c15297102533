"""What changed between two appraisals' results (DESIGN §6 `compare_appraisals`): pure data.

`compare_results(old, new)` takes two results dicts as `Results.to_dict()` gives them and returns
the comparison JSON of DESIGN §6. `classify` says whether one change rose or fell, for the
comparison page. A level that is `None` is "not rated" (DESIGN §4.4 v2), never 0: a change from or
to it neither rose nor fell.
"""

from __future__ import annotations

from typing import Any

from assessments.rating import code_sort_key

ROSE, FELL, CHANGED = "rose", "fell", "changed"

# Higher is better; a value missing here (NY, not_rated, None, n/a, out of scope) has no rank.
PRACTICE_RANK = {"NI": 1, "PI": 2, "LI": 3, "FI": 4}
RATING_RANK = {"unsatisfied": 1, "satisfied": 2}


def _levels(results: dict[str, Any]) -> dict[str, Any]:
    return {
        "maturity_level": results.get("maturity_level"),
        "equivalent_maturity_level": results.get("equivalent_maturity_level"),
    }


def _pairs(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list]:
    """{code: [old, new]} for every code whose value differs, missing on one side as None."""
    codes = sorted(set(old) | set(new), key=code_sort_key)
    return {
        code: [old.get(code), new.get(code)] for code in codes if old.get(code) != new.get(code)
    }


def _head(pa: dict[str, Any] | None) -> dict[str, Any] | None:
    if pa is None:
        return None
    return {"rating": pa.get("rating"), "capability_level": pa.get("capability_level")}


def compare_results(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """DESIGN §6: the levels of both sides and the PAs where something differs.

    A PA is listed when its rating, capability level, a goal rating or a practice's org-unit value
    differs; `goals` and `practices` hold only what differs, as [old, new]. A PA missing on one
    side has "from": null or "to": null. PAs are sorted by acronym, goals and practices by number.
    """
    old_pas = old.get("process_areas") or {}
    new_pas = new.get("process_areas") or {}
    changed: dict[str, Any] = {}
    for acronym in sorted(set(old_pas) | set(new_pas)):
        before, after = old_pas.get(acronym), new_pas.get(acronym)
        goals = _pairs((before or {}).get("goals") or {}, (after or {}).get("goals") or {})
        practices = _pairs(
            (before or {}).get("practices") or {}, (after or {}).get("practices") or {}
        )
        if _head(before) == _head(after) and not goals and not practices:
            continue
        changed[acronym] = {
            "from": _head(before),
            "to": _head(after),
            "goals": goals,
            "practices": practices,
        }
    return {"from": _levels(old), "to": _levels(new), "process_areas": changed}


def classify(kind: str, old: Any, new: Any) -> str:
    """ROSE, FELL or CHANGED for one [old, new] pair.

    kind: "level" (maturity or capability level: numbers, None = not rated), "rating" (goal or PA
    rating) or "practice" (FI..NI). A side without a rank (None, NY, not_rated, not applicable,
    out of scope) makes the change neither a rise nor a fall.
    """
    if kind == "level":
        a, b = old, new
    else:
        ranks = PRACTICE_RANK if kind == "practice" else RATING_RANK
        a, b = ranks.get(old), ranks.get(new)
    if a is None or b is None or a == b:
        return CHANGED
    return ROSE if b > a else FELL


def summary(comparison: dict[str, Any]) -> dict[str, int]:
    """How many PAs, goals and practices rose and fell: the counts the page shows first."""
    counts = {f"{what}_{way}": 0 for what in ("pas", "goals", "practices") for way in (ROSE, FELL)}
    for pa in comparison["process_areas"].values():
        way = classify(
            "level",
            (pa["from"] or {}).get("capability_level"),
            (pa["to"] or {}).get("capability_level"),
        )
        if way == CHANGED:
            way = classify(
                "rating", (pa["from"] or {}).get("rating"), (pa["to"] or {}).get("rating")
            )
        if way != CHANGED:
            counts[f"pas_{way}"] += 1
        for kind, key in (("rating", "goals"), ("practice", "practices")):
            for old, new in pa[key].values():
                way = classify(kind, old, new)
                if way != CHANGED:
                    counts[f"{key}_{way}"] += 1
    return counts


def _level_text(value: Any) -> str:
    return "not rated" if value is None else str(value)


def comparison_text(comparison: dict[str, Any]) -> str:
    """A readable account of a comparison, the level change first."""
    lines = []
    for key, label in (
        ("maturity_level", "Maturity level"),
        ("equivalent_maturity_level", "Equivalent maturity level"),
    ):
        old, new = comparison["from"][key], comparison["to"][key]
        if old is None and new is None:
            continue
        way = "unchanged" if old == new else classify("level", old, new)
        lines.append(f"{label}: {_level_text(old)} -> {_level_text(new)} ({way})")
    counts = summary(comparison)
    lines.append(
        "Process areas: {pas_rose} rose, {pas_fell} fell; goals: {goals_rose} rose, "
        "{goals_fell} fell; practices: {practices_rose} rose, {practices_fell} fell.".format(
            **counts
        )
    )
    for acronym, pa in comparison["process_areas"].items():
        before, after = pa["from"] or {}, pa["to"] or {}
        old_cl = _level_text(before.get("capability_level"))
        new_cl = _level_text(after.get("capability_level"))
        lines.append(
            f"{acronym}: {before.get('rating', 'missing')} CL {old_cl}"
            f" -> {after.get('rating', 'missing')} CL {new_cl}"
        )
        for key, kind in (("goals", "rating"), ("practices", "practice")):
            for code, (old, new) in pa[key].items():
                way = classify(kind, old, new)
                lines.append(f"  {code}: {old or '-'} -> {new or '-'} ({way})")
    if not comparison["process_areas"]:
        lines.append("No process area changed.")
    return "\n".join(lines) + "\n"
