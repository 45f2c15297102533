"""models_catalog.compare: two PAs' goals and practices, matched and marked (no database)."""

from __future__ import annotations

import pytest

from models_catalog.compare import STATUSES, compare, normalise, similarity, words


def rows(source, target) -> list[str]:
    """The comparison as lines: "status source-code -> target-code", practices indented."""
    lines = []
    for goal in compare(source, target).goals:
        lines.append(_line(goal))
        lines += ["  " + _line(p) for p in goal.practices]
    return lines


def _line(row) -> str:
    source = row.source.code if row.source else "-"
    target = row.target.code if row.target else "-"
    return f"{row.status} {source} -> {target}"


REQM_DRAFT = [
    (
        "SG 1",
        "Manage Requirements",
        [
            ("SP 1.1", "Obtain an Understanding of Requirements"),
            ("SP 1.2", "Obtain Commitment to Requirements"),
        ],
    ),
    (
        "SG 2",
        "Establish Service Requirements Agreements",
        [("SP 2.1", "Analyze Existing Requirements and Service Data")],
    ),
]
REQM_V13 = [
    (
        "SG 1",
        "Manage Requirements",
        [("SP 1.1", "Understand Requirements"), ("SP 1.2", "Obtain Commitment to Requirements")],
    ),
]

# OSM in the 2007 draft and STSM in v1.3, as the fixtures have them.
OSM_DRAFT = [
    (
        "SG 1",
        "Address Long-Term Customer Satisfaction",
        [
            ("SP 1.1", "Gather Customer Satisfaction Data"),
            ("SP 1.2", "Analyze Customer Satisfaction Data"),
            ("SP 1.3", "Address Needs for Future Service"),
        ],
    ),
    (
        "SG 2",
        "Establish Standard Services",
        [
            ("SP 2.1", "Establish Standard Services and Service Levels"),
            ("SP 2.2", "Establish Standard Descriptions"),
            ("SP 2.3", "Establish Tailoring Criteria and Guidelines"),
            ("SP 2.4", "Establish the Organization's Standard Service Repository"),
        ],
    ),
]
STSM_V13 = [
    (
        "SG 1",
        "Establish Strategic Needs and Plans for Standard Services",
        [
            ("SP 1.1", "Gather and Analyze Data"),
            ("SP 1.2", "Establish Plans for Standard Services"),
        ],
    ),
    (
        "SG 2",
        "Establish Standard Services",
        [
            ("SP 2.1", "Establish Properties of Standard Services and Service Levels"),
            ("SP 2.2", "Establish Descriptions of Standard Services"),
        ],
    ),
]

CASES = {
    "identical": (
        [("SG 1", "Goal", [("SP 1.1", "Do This"), ("SP 1.2", "Do That")])],
        [("SG 1", "Goal", [("SP 1.1", "Do This"), ("SP 1.2", "Do That")])],
        ["same SG 1 -> SG 1", "  same SP 1.1 -> SP 1.1", "  same SP 1.2 -> SP 1.2"],
    ),
    "case, punctuation and spacing do not count": (
        [
            (
                "SG 1",
                "Identify, Control, and Address Incidents",
                [("SP 1.1", "Use the Project's Plan")],
            )
        ],
        [
            (
                "SG 1",
                "identify control  and address incidents",
                [("SP 1.1", "use the projects plan")],
            )
        ],
        ["same SG 1 -> SG 1", "  same SP 1.1 -> SP 1.1"],
    ),
    "same code, title reworded: renamed": (
        REQM_DRAFT,
        REQM_V13,
        [
            "same SG 1 -> SG 1",
            "  renamed SP 1.1 -> SP 1.1",
            "  same SP 1.2 -> SP 1.2",
            "removed SG 2 -> -",
            "  removed SP 2.1 -> -",
        ],
    ),
    "same code, unrelated title: removed and added, not renamed": (
        [("SG 1", "Goal", [("SP 1.1", "Select Processes")])],
        [("SG 1", "Goal", [("SP 1.1", "Establish Quality and Process Performance Objectives")])],
        ["same SG 1 -> SG 1", "  added - -> SP 1.1", "  removed SP 1.1 -> -"],
    ),
    "a title found under another code is moved, never renamed": (
        [("SG 1", "Goal", [("SP 1.1", "Alpha Practice"), ("SP 1.2", "Beta Practice")])],
        [("SG 1", "Goal", [("SP 1.1", "Beta Practice"), ("SP 1.2", "Alpha Practice")])],
        ["same SG 1 -> SG 1", "  moved SP 1.2 -> SP 1.1", "  moved SP 1.1 -> SP 1.2"],
    ),
    "a practice matches under another goal and sits under its new goal": (
        [
            ("SG 1", "Prepare", [("SP 1.1", "Plan the Work")]),
            ("SG 2", "Deliver", [("SP 2.1", "Deliver Services"), ("SP 2.2", "Assess Impacts")]),
        ],
        [
            ("SG 1", "Prepare", [("SP 1.1", "Plan the Work"), ("SP 1.2", "Assess Impacts")]),
            ("SG 2", "Deliver", [("SP 2.1", "Deliver Services")]),
        ],
        [
            "same SG 1 -> SG 1",
            "  same SP 1.1 -> SP 1.1",
            "  moved SP 2.2 -> SP 1.2",
            "same SG 2 -> SG 2",
            "  same SP 2.1 -> SP 2.1",
        ],
    ),
    "an inserted practice renumbers the rest: renamed under another code": (
        [
            (
                "SG 1",
                "Establish Estimates",
                [
                    ("SP 1.1", "Estimate the Scope of the Project"),
                    ("SP 1.2", "Establish Estimates of Work Product and Task Attributes"),
                ],
            )
        ],
        [
            (
                "SG 1",
                "Establish Estimates",
                [
                    ("SP 1.1", "Establish the Service Strategy"),
                    ("SP 1.2", "Estimate the Scope of the Work"),
                    ("SP 1.3", "Establish Estimates of Work Product and Task Attributes"),
                ],
            )
        ],
        [
            "same SG 1 -> SG 1",
            "  added - -> SP 1.1",
            "  renamed SP 1.1 -> SP 1.2",
            "  moved SP 1.2 -> SP 1.3",
        ],
    ),
    "under another code, shared words must be telling": (
        OSM_DRAFT,
        STSM_V13,
        [
            "renamed SG 1 -> SG 1",
            "  renamed SP 1.1 -> SP 1.1",
            "  removed SP 1.2 -> -",
            "  removed SP 1.3 -> -",
            "  added - -> SP 1.2",
            "same SG 2 -> SG 2",
            "  renamed SP 2.1 -> SP 2.1",
            "  renamed SP 2.2 -> SP 2.2",
            "  removed SP 2.3 -> -",
            # Not "renamed SP 2.4 -> SP 1.2 Establish Plans for Standard Services".
            "  removed SP 2.4 -> -",
        ],
    ),
    "goals with the same code sharing a practice are renamed, however their titles differ": (
        [
            (
                "SG 2",
                "Manage Incidents and Requests",
                [("SP 2.1", "Identify Incidents and Requests")],
            )
        ],
        [
            (
                "SG 2",
                "Identify, Control, and Address Individual Incidents",
                [("SP 2.1", "Identify and Record Incidents")],
            )
        ],
        ["renamed SG 2 -> SG 2", "  renamed SP 2.1 -> SP 2.1"],
    ),
    "goals with the same code and unrelated titles and practices are removed and added": (
        [("SG 1", "Address Problems", [("SP 1.1", "Identify Problems")])],
        [("SG 1", "Resolve Incidents", [("SP 1.1", "Record Incidents")])],
        ["added - -> SG 1", "  added - -> SP 1.1", "removed SG 1 -> -", "  removed SP 1.1 -> -"],
    ),
    "a goal found under another code is moved, an added goal takes its place": (
        [("SG 1", "Select Improvements", [("SP 1.1", "Pilot Improvements")])],
        [
            ("SG 1", "Manage Business Performance", [("SP 1.1", "Maintain Business Objectives")]),
            ("SG 2", "Select Improvements", [("SP 2.1", "Pilot Improvements")]),
        ],
        [
            "added - -> SG 1",
            "  added - -> SP 1.1",
            "moved SG 1 -> SG 2",
            "  moved SP 1.1 -> SP 2.1",
        ],
    ),
    "a repeated title pairs with its own code first": (
        [("SG 1", "G", [("SP 1.1", "Review"), ("SP 1.2", "Review")])],
        [("SG 1", "G", [("SP 1.2", "Review")])],
        ["same SG 1 -> SG 1", "  removed SP 1.1 -> -", "  same SP 1.2 -> SP 1.2"],
    ),
    "a removed item follows its predecessor in the source": (
        [("SG 1", "G", [("SP 1.1", "First Step"), ("SP 1.2", "Gone"), ("SP 1.3", "Last Step")])],
        [("SG 1", "G", [("SP 1.1", "First Step"), ("SP 1.2", "Last Step")])],
        [
            "same SG 1 -> SG 1",
            "  same SP 1.1 -> SP 1.1",
            "  removed SP 1.2 -> -",
            "  moved SP 1.3 -> SP 1.2",
        ],
    ),
    "a removed first item comes before the first row with a source": (
        [("SG 1", "Retire Systems", [("SP 1.1", "x")]), ("SG 2", "Kept", [("SP 2.1", "y")])],
        [("SG 1", "Prepare Transition", [("SP 1.1", "z")]), ("SG 2", "Kept", [("SP 2.1", "y")])],
        [
            "added - -> SG 1",
            "  added - -> SP 1.1",
            "removed SG 1 -> -",
            "  removed SP 1.1 -> -",
            "same SG 2 -> SG 2",
            "  same SP 2.1 -> SP 2.1",
        ],
    ),
    "nothing in the source: everything added": (
        [],
        [("SG 1", "G", [("SP 1.1", "P")])],
        ["added - -> SG 1", "  added - -> SP 1.1"],
    ),
    "nothing in the target: everything removed": (
        [("SG 1", "G", [("SP 1.1", "P")])],
        [],
        ["removed SG 1 -> -", "  removed SP 1.1 -> -"],
    ),
    "nothing on either side": ([], [], []),
}


@pytest.mark.parametrize("name", CASES)
def test_compare(name):
    source, target, expected = CASES[name]
    assert rows(source, target) == expected


def test_rows_carry_codes_and_titles_of_both_sides():
    goal = compare(REQM_DRAFT, REQM_V13).goals[0]
    renamed = goal.practices[0]
    assert (renamed.source.code, renamed.source.title) == (
        "SP 1.1",
        "Obtain an Understanding of Requirements",
    )
    assert (renamed.target.code, renamed.target.title) == ("SP 1.1", "Understand Requirements")


def test_counts_cover_every_status():
    result = compare(REQM_DRAFT, REQM_V13)
    assert list(result.goal_counts) == list(STATUSES)
    assert result.goal_counts == {"same": 1, "renamed": 0, "moved": 0, "added": 0, "removed": 1}
    assert result.practice_counts == {
        "same": 1,
        "renamed": 1,
        "moved": 0,
        "added": 0,
        "removed": 1,
    }
    assert result.changed


def test_identical_trees_have_no_change():
    tree = [("SG 1", "Goal", [("SP 1.1", "Practice")])]
    assert not compare(tree, tree).changed


def test_every_item_appears_once():
    source = [
        (f"SG {g}", f"Goal {g}", [(f"SP {g}.{p}", f"P{g}{p}") for p in (1, 2)]) for g in (1, 2)
    ]
    target = [("SG 1", "Goal 2", [("SP 1.1", "P21"), ("SP 1.2", "new")])]
    result = compare(source, target)
    sources = [p.source.code for g in result.goals for p in g.practices if p.source]
    targets = [p.target.code for g in result.goals for p in g.practices if p.target]
    assert sorted(sources) == ["SP 1.1", "SP 1.2", "SP 2.1", "SP 2.2"]
    assert sorted(targets) == ["SP 1.1", "SP 1.2"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Identify, Control, and Address", "identify control and address"),
        ("Use the Project's Defined Process", "use the projects defined process"),
        ("Establish Process-Performance Baselines", "establish process performance baselines"),
        ("  Spaced   Out  ", "spaced out"),
    ],
)
def test_normalise(title, expected):
    assert normalise(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Obtain an Understanding of Requirements", {"obtain", "understand", "requirement"}),
        ("Plan for Needed Knowledge and Skills", {"plan", "needed", "knowledge", "skill"}),
        ("Select Processes", {"select", "process"}),
        ("Manage Activities and Planning", {"manage", "activity", "plan"}),
    ],
)
def test_words(title, expected):
    assert words(title) == expected


def test_similarity():
    assert similarity("Deliver the Services", "Deliver Services") == 1.0
    assert similarity("Select Processes", "Establish Process Performance Objectives") < 0.5
    assert similarity("", "Anything") == 0.0
    weights = {"establish": 0.1}
    assert similarity("Establish Plans", "Establish Repository", weights) < similarity(
        "Establish Plans", "Establish Repository"
    )
