"""The capability profile of the findings report (PDF and screen), as SVG coordinates drawn by
`templates/reports/partials/capability_profile.svg.html`. A PA in scope whose capability level is
not certain yet (rules v2, DESIGN §4.4) is hatched and labelled "not rated", never drawn as CL0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assessments import rating
from assessments.chart_geometry import LevelScale, slots
from assessments.engine_input import AppraisalState
from assessments.results_chart import target_level

if TYPE_CHECKING:
    from reports.selectors import PARow

BAR_WIDTH = 14.0  # capability profile, SVG user units
CHART_DISPLAY_WIDTH = 640  # px, about an A4 portrait text column


@dataclass
class Bar:
    acronym: str
    bottom: float
    x: float
    level: int | None
    target: int | None
    height: float
    y: float
    target_y: float | None
    rating: str
    uncertain_height: float  # the hatched area of an uncertain bar

    @property
    def center(self) -> float:
        return self.x + BAR_WIDTH / 2

    @property
    def right(self) -> float:
        return self.x + BAR_WIDTH

    @property
    def value_y(self) -> float:
        return self.y - 3

    @property
    def reached(self) -> bool:
        return self.level is not None and self.target is not None and self.level >= self.target

    @property
    def uncertain(self) -> bool:
        """In scope, but the level is not certain yet: drawn hatched, labelled "not rated"."""
        return self.level is None and self.rating not in (
            rating.NOT_APPLICABLE,
            rating.OUT_OF_SCOPE,
        )

    @property
    def uncertain_y(self) -> float:
        return self.bottom - self.uncertain_height


@dataclass
class Chart:
    """The capability profile as SVG coordinates (viewBox units), computed here, drawn by
    `reports/partials/capability_profile.svg.html`."""

    width: float
    height: float
    top: float
    bottom: float
    left: float
    levels: list[tuple[int, float]]  # (level, y) gridlines
    bars: list[Bar]
    bar_width: float = BAR_WIDTH

    @property
    def label_y(self) -> float:
        return self.bottom + 11

    @property
    def scale(self) -> float:
        """Display size over viewBox size: fill about a portrait text column, at most 2×."""
        return min(2.0, CHART_DISPLAY_WIDTH / self.width)

    @property
    def display_width(self) -> int:
        return round(self.width * self.scale)

    @property
    def display_height(self) -> int:
        return round(self.height * self.scale)

    @property
    def axis_x(self) -> float:
        return self.left - 6

    @property
    def axis_label_y(self) -> float:
        return self.top - 8


def profile_chart(state: AppraisalState, pa_rows: list[PARow]) -> Chart:
    """The bars of the PAs in scope and not applicable: the level reached, the target's mark.

    The target of a PA in scope is the engine's (`results_chart.target_level`: the highest
    required generic goal), the same as on the results page."""
    top_level = max(state.catalog.capability_levels or (5,))
    rows = [row for row in pa_rows if row.in_scope or row.rating == rating.NOT_APPLICABLE]
    left, top, step, level_height = 24.0, 16.0, 22.0, 18.0
    scale = LevelScale(baseline=top + level_height * top_level, level_height=level_height)
    bottom = scale.baseline
    xs, _, _ = slots([None] * len(rows), start=left + 6, step=step, gap=0.0)
    bars = []
    for row, x in zip(rows, xs, strict=True):
        level = row.capability_level
        if row.in_scope:
            target = target_level(state, row.acronym)
        else:
            # A not applicable PA keeps the mark of the continuous target it was given.
            target = int(row.target.removeprefix("CL")) if row.target else None
        bars.append(
            Bar(
                acronym=row.acronym,
                bottom=bottom,
                x=x,
                level=level,
                target=target,
                height=scale.height(level),
                y=scale.y(level),
                target_y=scale.y(target) if target is not None else None,
                # Hatched up to the target; two levels high without one.
                uncertain_height=scale.height(target if target is not None else 2),
                rating=row.rating,
            )
        )
    width = left + 12 + step * max(len(rows), 1)
    return Chart(
        width=width,
        height=bottom + 26,
        top=top,
        bottom=bottom,
        left=left,
        levels=scale.lines(top_level),
        bars=bars,
    )
