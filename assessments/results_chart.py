"""Geometry of the capability chart (DESIGN §5: the results drawn as an SVG chart).

One bar per process area, grouped by the PA's maturity level: the achieved capability level
filled, the target capability level as a dashed outline. A PA in scope whose level is not certain
yet (rules v2, DESIGN §4.4) is drawn hatched grey up to its target and labelled "not rated",
never as CL0. Levels are indicative (method A); methods B and C show no chart. The same chart
serves both representations: a staged target ML T asks each PA in scope for GG2 and, from ML3,
GG3, so its target is CL2 or CL3. Levels come from the catalog and the results, never from
constants. `templates/assessments/partials/capability_chart.svg.html` draws it (no JavaScript, so
the PDF can include it too).
"""

from __future__ import annotations

from dataclasses import dataclass

from assessments import rating
from assessments.chart_geometry import LevelScale, slots
from assessments.engine_input import AppraisalState
from assessments.labels import CL_NOT_RATED

# Pixels of the viewBox; every coordinate is an integer.
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 46, 36
SLOT, BAR, GROUP_GAP = 40, 24, 12
SCALE = 1.5  # on-screen size of a viewBox unit, in CSS pixels
LEVEL_HEIGHT = 32
STUB = 3  # height of the bar of a PA at CL0
BAND_TOP = 14  # top of the maturity level bands and their labels
LEGEND_WIDTH = 470  # the chart is never narrower than its legend
HATCH = "url(#capability-chart-hatch)"  # the <pattern> in capability_chart.svg.html
NOT_RATED_LABEL = CL_NOT_RATED

FILL = {
    rating.SATISFIED: "#198754",
    rating.UNSATISFIED: "#dc3545",
    rating.NOT_RATED: "#adb5bd",
}


@dataclass(frozen=True)
class ChartBar:
    acronym: str
    name: str
    rating: str
    level: int | None  # achieved CL; None when not applicable, out of scope or not certain yet
    target: int | None
    x: int
    y: int  # top of the achieved bar
    height: int
    target_y: int
    target_height: int
    fill: str
    label: str  # above the bar: "CL2", "not rated", "n/a", "out"
    label_y: int
    center: int
    title: str
    uncertain: bool = False  # in scope, level not certain yet: hatched, "not rated"


@dataclass(frozen=True)
class ChartGroup:
    maturity_level: int
    x: int
    width: int
    center: int
    reached: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: int
    plot_right: int
    title: str
    summary: str
    bars: list[ChartBar]
    groups: list[ChartGroup]
    gridlines: list[tuple[int, int, str]]  # (y, y of the label, "CL n")

    @property
    def display_width(self) -> int:
        return round(self.width * SCALE)

    @property
    def display_height(self) -> int:
        return round(self.height * SCALE)

    @property
    def bar_width(self) -> int:
        return BAR

    @property
    def band_top(self) -> int:
        return BAND_TOP

    @property
    def band_height(self) -> int:
        return self.baseline - BAND_TOP

    @property
    def band_label_y(self) -> int:
        return BAND_TOP + 14

    @property
    def axis_label_y(self) -> int:
        return self.baseline + 14

    @property
    def legend_y(self) -> int:
        return self.height - 4


def target_level(state: AppraisalState, acronym: str) -> int | None:
    """The capability level the appraisal's target asks of a PA in scope: the highest capability
    level among its required generic goals (DESIGN §4.0), e.g. 2 for a staged target ML2."""
    result = state.results.process_areas[acronym]
    if result.rating in (rating.NOT_APPLICABLE, rating.OUT_OF_SCOPE):
        return None
    required = set(result.required_goals)
    levels = [
        gg.capability_level.number for gg in state.catalog.generic_goals if gg.code in required
    ]
    return max(levels, default=1)


def shown(state: AppraisalState) -> list[str]:
    """The PAs on the chart: those in scope, those not applicable, and those out of scope that
    block the next maturity level (ML2 PAs first, by the results' order)."""
    results = state.results
    blocking = {b.process_area for b in results.blockers if b.reason == rating.OUT_OF_SCOPE}
    return [
        acronym
        for acronym, result in results.process_areas.items()
        if result.rating != rating.OUT_OF_SCOPE or acronym in blocking
    ]


def capability_chart(state: AppraisalState) -> Chart:
    results = state.results
    pas = state.catalog.process_areas
    acronyms = sorted(shown(state), key=lambda a: (pas[a].maturity_level.number, a))
    targets = {a: target_level(state, a) for a in acronyms}
    top = max(
        [targets[a] or 0 for a in acronyms]
        + [results.process_areas[a].capability_level or 0 for a in acronyms]
        + [1]
    )
    scale = LevelScale(baseline=TOP + top * LEVEL_HEIGHT, level_height=LEVEL_HEIGHT)
    reached = (
        results.maturity_level
        if results.representation == rating.STAGED
        else results.equivalent_maturity_level
    ) or 1
    xs, spans, end = slots(
        [pas[a].maturity_level.number for a in acronyms],
        start=LEFT + GROUP_GAP // 2,
        step=SLOT,
        gap=GROUP_GAP,
    )
    bars = [_bar(state, a, targets[a], x, scale) for a, x in zip(acronyms, xs, strict=True)]
    groups = [_group(span.key, span.start, span.end, reached) for span in spans]
    plot_right = end + GROUP_GAP // 2
    baseline = scale.baseline
    if results.representation == rating.STAGED:
        title = f"Indicative maturity level {results.maturity_level}"
        summary = (
            f"Staged, target ML{state.appraisal.target_maturity_level}: indicative maturity level "
            f"{results.maturity_level} reached."
        )
    else:
        title = f"Capability profile · indicative equivalent maturity level {reached}"
        summary = f"Continuous: equivalent staging gives indicative maturity level {reached}."
    return Chart(
        width=max(plot_right + RIGHT, LEGEND_WIDTH),
        height=baseline + BOTTOM,
        baseline=baseline,
        plot_right=plot_right,
        title=title,
        summary=summary,
        bars=bars,
        groups=groups,
        gridlines=[(y, y + 4, f"CL{n}") for n, y in scale.lines(top)],
    )


def _group(maturity_level: int, start: int, end: int, reached: int) -> ChartGroup:
    return ChartGroup(
        maturity_level=maturity_level,
        x=start,
        width=end - start,
        center=(start + end) // 2,
        reached=maturity_level <= reached,
    )


def _bar(state: AppraisalState, acronym: str, target: int | None, x: int, scale: LevelScale):
    result = state.results.process_areas[acronym]
    level = result.capability_level
    baseline = scale.baseline
    target_height = scale.height(target)
    fill = FILL.get(result.rating, "#adb5bd")
    # A PA in scope at CL0 still gets a thin bar, so its rating's colour shows.
    height = scale.height(level) if level != 0 else STUB
    name = f"{acronym} {state.catalog.process_areas[acronym].name}"
    if result.rating == rating.NOT_APPLICABLE:
        label, title = "n/a", f"{name}: not applicable"
    elif result.rating == rating.OUT_OF_SCOPE:
        label, title = "out", f"{name}: out of scope, blocks the next maturity level"
    elif level is None:
        # Not certain yet: hatched up to the target, so it never reads as CL0.
        height, fill, label = max(target_height, STUB), HATCH, NOT_RATED_LABEL
        title = f"{name}: capability level not rated yet, target {target}"
    else:
        label = f"CL{level}"
        rated = result.rating.replace("_", " ")
        title = f"{name}: capability level {level}, target {target} ({rated})"
    offset = (SLOT - BAR) // 2
    return ChartBar(
        acronym=acronym,
        name=state.catalog.process_areas[acronym].name,
        rating=result.rating,
        level=level,
        target=target,
        x=x + offset,
        y=baseline - height,
        height=height,
        target_y=scale.y(target),
        target_height=target_height,
        fill=fill,
        label=label,
        label_y=baseline - max(height, target_height) - 4,
        center=x + SLOT // 2,
        title=title,
        uncertain=fill == HATCH,
    )
