"""The organisation's trend across its appraisals (issue 11 point 5): the maturity (or equivalent)
level and each PA's capability level over time, drawn as server-rendered SVG, and the actions
closed between appraisals. A capability level of None is "not rated", drawn as a gap, never 0.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from assessments.engine_input import Catalog, load_appraisal_state, load_catalog
from assessments.models import Appraisal, Organisation
from improvement.models import ImprovementAction
from improvement.selectors import appraisal_date

# Level chart geometry (viewBox units).
LV_LEFT, LV_TOP, LV_STEP, LV_COL, LV_BOTTOM = 60, 20, 36, 150, 40
# Capability grid geometry.
CG_LEFT, CG_TOP, CG_ROW, CG_COL = 70, 28, 22, 150
CL_FILL = {0: "#f8d7da", 1: "#fff3cd", 2: "#d1e7dd", 3: "#a3cfbb", 4: "#75b798", 5: "#479f76"}


@dataclass
class Point:
    appraisal: Appraisal
    date: datetime.date
    level: int | None
    staged: bool
    capability: dict[str, int | None]
    ratings: dict[str, str]
    closed_before: list[ImprovementAction] = field(default_factory=list)


def trend(organisation: Organisation) -> dict[str, Any]:
    """Every appraisal of the organisation rated, oldest first, with the SVG geometry.

    Queries: two, plus the rating queries of each appraisal (catalogs are read once per variant).
    """
    appraisals = sorted(
        Appraisal.objects.filter(organisation=organisation).select_related(
            "variant__constellation", "organisation"
        ),
        key=lambda a: (appraisal_date(a), a.created_at, a.pk),
    )
    catalogs: dict[int, Catalog] = {}
    points = []
    for appraisal in appraisals:
        catalog = catalogs.get(appraisal.variant_id)
        if catalog is None:
            catalog = catalogs[appraisal.variant_id] = load_catalog(appraisal.variant)
        results = load_appraisal_state(appraisal, catalog=catalog).results
        staged = results.representation == "staged"
        points.append(
            Point(
                appraisal=appraisal,
                date=appraisal_date(appraisal),
                level=results.maturity_level if staged else results.equivalent_maturity_level,
                staged=staged,
                capability={
                    acr: pa.capability_level
                    for acr, pa in results.process_areas.items()
                    if pa.rating not in ("out_of_scope", "not_applicable")
                },
                ratings={acr: pa.rating for acr, pa in results.process_areas.items()},
            )
        )
    closed = list(
        ImprovementAction.objects.filter(organisation=organisation, closed_at__isnull=False)
        .select_related("owner")
        .order_by("closed_at")
    )
    after_last = _assign_closed(points, closed)
    return {
        "points": points,
        "closed_after_last": after_last,
        "levels": _level_chart(points),
        "grid": _capability_grid(points),
    }


def _assign_closed(points: list[Point], closed: list[ImprovementAction]) -> list:
    """Each closed action goes to the first appraisal dated on or after its closing day; the
    rest were closed after the latest appraisal."""
    rest = []
    for action in closed:
        day = action.closed_at.date()
        target = next((p for p in points if p.date >= day), None)
        (target.closed_before if target else rest).append(action)
    return rest


def _x(index: int, left: int, col: int) -> int:
    return left + col // 2 + index * col


def _level_chart(points: list[Point]) -> dict[str, Any]:
    if not points:
        return {}
    top_level = 5
    height = LV_TOP + (top_level - 1) * LV_STEP + LV_BOTTOM
    base = LV_TOP + (top_level - 1) * LV_STEP

    def y(level: int) -> int:
        return base - (level - 1) * LV_STEP

    dots = [
        {
            "x": _x(i, LV_LEFT, LV_COL),
            "y": y(p.level) if p.level is not None else None,
            "label": f"ML{p.level}" if p.level is not None else "not rated",
            "name": p.appraisal.name,
            "date": p.date,
            "staged": p.staged,
        }
        for i, p in enumerate(points)
    ]
    # Consecutive rated points are joined; a not-rated one breaks the line.
    segments = [
        (a, b)
        for a, b in zip(dots, dots[1:], strict=False)
        if a["y"] is not None and b["y"] is not None
    ]
    return {
        "width": LV_LEFT + LV_COL * len(points) + 20,
        "height": height,
        "gridlines": [{"y": y(n), "label": f"ML{n}"} for n in range(1, top_level + 1)],
        "dots": dots,
        "segments": segments,
        "name_y": base + 22,
        "date_y": base + 34,
        "right": LV_LEFT + LV_COL * len(points),
    }


def _capability_grid(points: list[Point]) -> dict[str, Any]:
    acronyms = sorted({acr for p in points for acr in p.capability})
    if not points or not acronyms:
        return {}
    rows = []
    for r, acronym in enumerate(acronyms):
        y = CG_TOP + r * CG_ROW
        cells = []
        previous = None
        for i, p in enumerate(points):
            in_scope = acronym in p.capability
            level = p.capability.get(acronym)
            way = ""
            if level is not None and previous is not None and level != previous:
                way = "▲" if level > previous else "▼"
            cells.append(
                {
                    "x": CG_LEFT + i * CG_COL + 4,
                    "width": CG_COL - 8,
                    "text_x": CG_LEFT + i * CG_COL + CG_COL // 2,
                    "fill": CL_FILL.get(level, "#e9ecef") if in_scope else "#ffffff",
                    "label": (f"CL{level} {way}".strip() if level is not None else "not rated")
                    if in_scope
                    else "—",
                }
            )
            if level is not None:
                previous = level
        rows.append({"acronym": acronym, "y": y, "text_y": y + 15, "cells": cells})
    return {
        "width": CG_LEFT + CG_COL * len(points) + 10,
        "height": CG_TOP + CG_ROW * len(acronyms) + 8,
        "heads": [
            {"x": CG_LEFT + i * CG_COL + CG_COL // 2, "name": p.appraisal.name[:22]}
            for i, p in enumerate(points)
        ],
        "rows": rows,
    }
