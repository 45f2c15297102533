"""The improvement cycle's pure rules: status moves, which bits first, overdue, verification."""

from __future__ import annotations

import datetime

import pytest

from improvement import rules
from improvement.rules import Target

TODAY = datetime.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        ("proposed", "planned", True),
        ("planned", "in_progress", True),
        ("in_progress", "deployed", True),
        ("deployed", "verified", True),
        ("proposed", "in_progress", False),  # one step at a time
        ("proposed", "verified", False),
        ("verified", "dropped", False),
        ("verified", "in_progress", True),  # reopened
        ("dropped", "proposed", True),
        ("dropped", "planned", False),
        ("in_progress", "dropped", True),
        ("planned", "planned", False),
    ],
)
def test_transitions(old, new, allowed):
    assert rules.can_move(old, new) is allowed


@pytest.mark.parametrize(
    ("status", "due", "overdue", "kind"),
    [
        ("planned", TODAY - datetime.timedelta(days=1), True, "overdue"),
        ("planned", TODAY, False, "due_soon"),
        ("in_progress", TODAY + datetime.timedelta(days=7), False, "due_soon"),
        ("in_progress", TODAY + datetime.timedelta(days=8), False, None),
        ("deployed", TODAY - datetime.timedelta(days=30), False, None),
        ("dropped", TODAY - datetime.timedelta(days=1), False, None),
        ("proposed", None, False, None),
    ],
)
def test_overdue_and_reminders(status, due, overdue, kind):
    assert rules.is_overdue(status, due, TODAY) is overdue
    assert rules.reminder_kind(status, due, TODAY) == kind


REQM = Target("REQM", 2)
REQM_SG1 = Target("REQM", 2, goal="SG 1")
REQM_SP = Target("REQM", 2, goal="SG 2", practice="SP 2.1")
OPF = Target("OPF", 3)
OID = Target("OID", 5)


@pytest.mark.parametrize(
    ("targets", "blockers", "priority"),
    [
        ([REQM], {"REQM": ("SG 1",)}, 1),  # ML2 blocker first
        ([REQM], {}, 2),  # ML2, not blocking
        ([REQM_SG1], {"REQM": ("SG 1",)}, 1),
        ([REQM_SP], {"REQM": ("SG 1",)}, 2),  # its goal does not block
        ([OPF], {"OPF": ("SG 1",)}, 3),
        ([OPF], {}, 4),
        ([OID], {}, 8),
        ([OPF, REQM], {"OPF": ("SG 1",)}, 2),  # lowest ML decides; its PA does not block
        ([], {"REQM": ()}, 9),
    ],
)
def test_which_bits_first(targets, blockers, priority):
    assert rules.default_priority(targets, blockers) == priority


def results(**pas):
    return {"process_areas": pas}


@pytest.mark.parametrize(
    ("targets", "data", "suggested"),
    [
        ([REQM_SP], results(REQM={"practices": {"SP 2.1": "LI"}}), True),
        ([REQM_SP], results(REQM={"practices": {"SP 2.1": "FI"}}), True),
        ([REQM_SP], results(REQM={"practices": {"SP 2.1": "PI"}}), False),
        ([REQM_SP], results(REQM={"practices": {"SP 2.1": None}}), False),
        ([REQM_SG1], results(REQM={"goals": {"SG 1": "satisfied"}}), True),
        ([REQM_SG1], results(REQM={"goals": {"SG 1": "not_rated"}}), False),
        ([REQM], results(REQM={"rating": "satisfied"}), True),
        ([REQM, OPF], results(REQM={"rating": "satisfied"}), False),  # OPF not rated there
        ([], results(REQM={"rating": "satisfied"}), False),
    ],
)
def test_verification_suggested(targets, data, suggested):
    assert rules.verification_suggested(targets, data) is suggested
