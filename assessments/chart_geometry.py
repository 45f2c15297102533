"""The geometry both capability charts share: the results page's (`assessments.results_chart`)
and the findings report's profile (`reports.profile_chart`). A level scale turns capability
levels into heights, y coordinates and gridlines; `slots` lays the bars out left to right, with
a gap between groups. Each chart keeps its own sizes, labels and drawing.

Pure arithmetic: integers in give integers out, so the SVG text of a chart drawn in whole
viewBox units does not change.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

N = TypeVar("N", int, float)


@dataclass(frozen=True)
class LevelScale(Generic[N]):
    """Capability levels stacked up from `baseline` (the y of level 0; y grows downwards)."""

    baseline: N
    level_height: N

    def height(self, level: int | None) -> N:
        """The height of a bar `level` high; 0 for no level."""
        return (level or 0) * self.level_height

    def y(self, level: int | None) -> N:
        """The y of the top of a bar `level` high, or of the line at that level."""
        return self.baseline - self.height(level)

    def lines(self, top: int) -> list[tuple[int, N]]:
        """(level, y) of the gridlines from level 0 up to `top`."""
        return [(level, self.y(level)) for level in range(top + 1)]


@dataclass(frozen=True)
class Span(Generic[N]):
    """A group of consecutive bars: its key and the x where its first slot starts and its last
    ends."""

    key: Hashable
    start: N
    end: N


def slots(
    groups: Sequence[Hashable], *, start: N, step: N, gap: N
) -> tuple[list[N], list[Span[N]], N]:
    """The left x of each bar's slot, `step` wide, one per entry of `groups` (the group key of
    each bar, in drawing order), with `gap` between two groups; the groups' spans; and the x
    where the last slot ends (`start` when there is none)."""
    xs: list[N] = []
    spans: list[Span[N]] = []
    x, group_start, previous = start, start, None
    for index, key in enumerate(groups):
        if index and key != previous:
            spans.append(Span(previous, group_start, x))
            x += gap
            group_start = x
        previous = key
        xs.append(x)
        x += step
    if groups:
        spans.append(Span(previous, group_start, x))
    return xs, spans, x
