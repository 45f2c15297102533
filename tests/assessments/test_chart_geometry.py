"""The geometry the results page's chart and the report's profile share (chart_geometry)."""

from __future__ import annotations

from assessments.chart_geometry import LevelScale, Span, slots


def test_a_level_scale_stacks_levels_up_from_the_baseline():
    scale = LevelScale(baseline=142, level_height=32)
    assert (scale.height(None), scale.height(0), scale.height(3)) == (0, 0, 96)
    assert scale.y(3) == 46 and scale.y(None) == 142
    assert scale.lines(2) == [(0, 142), (1, 110), (2, 78)]
    # Whole numbers stay whole, so an SVG drawn in integers reads "46", not "46.0".
    assert all(isinstance(y, int) for _, y in scale.lines(5))
    assert LevelScale(baseline=106.0, level_height=18.0).lines(1) == [(0, 106.0), (1, 88.0)]


def test_slots_leave_a_gap_between_groups():
    xs, spans, end = slots([2, 2, 3, 5], start=50, step=40, gap=12)
    assert xs == [50, 90, 142, 194]
    assert spans == [Span(2, 50, 130), Span(3, 142, 182), Span(5, 194, 234)]
    assert end == 234


def test_slots_of_one_group_and_of_none():
    assert slots([None] * 3, start=30.0, step=22.0, gap=0.0) == (
        [30.0, 52.0, 74.0],
        [Span(None, 30.0, 96.0)],
        96.0,
    )
    assert slots([], start=50, step=40, gap=12) == ([], [], 50)
