"""Coverage by objective evidence (DESIGN §4.8) and its indicators (§4.9), from plain values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments import coverage
from assessments.coverage import AFFIRMATION, ARTIFACT, DIRECT, INDIRECT
from assessments.rating import (
    FI,
    LI,
    NI,
    NOT_RATED,
    NY,
    PI,
    SATISFIED,
    STAGED,
    UNSATISFIED,
    AppraisalInput,
    GenericGoalSpec,
    GoalSpec,
    ModelSpec,
    ProcessAreaSpec,
    rate,
)

D, IND, ART, AFF = DIRECT, INDIRECT, ARTIFACT, AFFIRMATION

# One PA with one goal of two practices; GG2 with one practice; one or two instances.
MODEL = ModelSpec(
    process_areas=(ProcessAreaSpec("REQM", 2, (GoalSpec("SG 1", ("SP 1.1", "SP 1.2")),)),),
    generic_goals=(GenericGoalSpec("GG 2", 2, ("GP 2.1",)),),
    maturity_levels=(1, 2),
    capability_levels=(0, 1, 2),
)
CELLS = [("desk", "REQM", c) for c in ("SP 1.1", "SP 1.2", "GP 2.1")]


def appraisal(value=FI, kinds=frozenset(), *, model="v1.3", policy="advisory", **overrides):
    """Every cell of desk at `value`; SP 1.1 carries `kinds`, the other cells a direct artifact
    and an affirmation (covered under both models)."""
    evidence = {cell: frozenset({D, AFF}) for cell in CELLS}
    evidence[CELLS[0]] = frozenset(kinds)
    return AppraisalInput(
        STAGED,
        target_maturity_level=2,
        coverage={"REQM": frozenset({"desk"})},
        characterizations={cell: value for cell in CELLS},
        evidence_model=model,
        coverage_policy=policy,
        evidence=evidence,
        **overrides,
    )


# --- §4.8 which cells are covered: both evidence models ----------


@pytest.mark.parametrize(
    ("model", "value", "kinds", "covered"),
    [
        # v1.3: any item covers FI, LI and PI.
        ("v1.3", FI, set(), False),
        ("v1.3", FI, {ART}, True),
        ("v1.3", LI, {AFF}, True),
        ("v1.3", PI, {D}, True),
        ("v1.3", PI, set(), False),
        # v1.2: FI/LI need a direct artifact and an indirect artifact or affirmation.
        ("v1.2", FI, {D}, False),
        ("v1.2", FI, {IND}, False),
        ("v1.2", FI, {D, IND}, True),
        ("v1.2", FI, {D, AFF}, True),
        ("v1.2", LI, {D, ART}, True),  # an untyped artifact link counts as indirect
        ("v1.2", LI, {ART, AFF}, False),
        ("v1.2", PI, {AFF}, True),  # PI: any item
        ("v1.2", PI, set(), False),
        # NI, NY and unrated cells need none.
        ("v1.2", NI, set(), True),
        ("v1.3", NY, set(), True),
        ("v1.3", None, set(), True),
    ],
)
def test_is_covered(model, value, kinds, covered):
    assert coverage.is_covered(model, value, frozenset(kinds)) is covered


@pytest.mark.parametrize(
    ("item_kind", "pii", "kind"),
    [
        ("artifact", "direct", D),
        ("artifact", "indirect", IND),
        ("artifact", "", ART),
        ("affirmation", "", AFF),
    ],
)
def test_link_kind(item_kind, pii, kind):
    assert coverage.link_kind(item_kind, pii) == kind


# --- Policies: off, advisory, enforced × both models ----------

UNCOVERED = [{"process_area": "REQM", "practice": "SP 1.1", "instance": "desk"}]


@pytest.mark.parametrize(
    ("model", "policy", "kinds", "uncovered", "sg1"),
    [
        ("v1.3", "off", set(), [], SATISFIED),
        ("v1.3", "advisory", set(), UNCOVERED, SATISFIED),
        ("v1.3", "enforced", set(), UNCOVERED, NOT_RATED),
        ("v1.3", "enforced", {ART}, [], SATISFIED),
        ("v1.2", "off", {ART}, [], SATISFIED),
        ("v1.2", "advisory", {ART}, UNCOVERED, SATISFIED),
        ("v1.2", "enforced", {ART}, UNCOVERED, NOT_RATED),
        ("v1.2", "enforced", {D, ART}, [], SATISFIED),
    ],
)
def test_policies(model, policy, kinds, uncovered, sg1):
    results = rate(MODEL, appraisal(FI, kinds, model=model, policy=policy))
    data = results.to_dict()
    assert data["uncovered"] == uncovered
    reqm = data["process_areas"]["REQM"]
    assert reqm["goals"]["SG 1"] == sg1
    assert reqm["goals"]["GG 2"] == SATISFIED  # its own cell is covered
    assert reqm["rating"] == (SATISFIED if sg1 == SATISFIED else NOT_RATED)
    assert results.maturity_level == (2 if sg1 == SATISFIED else 1)


def test_enforced_keeps_an_unsatisfied_goal_not_rated_first():
    """DESIGN §4.2: not_rated (uncovered under enforced) comes before unsatisfied."""
    base = appraisal(PI, set(), policy="enforced")
    assert rate(MODEL, base).process_areas["REQM"].goals["SG 1"] == NOT_RATED
    covered = appraisal(PI, {AFF}, policy="enforced")
    assert rate(MODEL, covered).process_areas["REQM"].goals["SG 1"] == UNSATISFIED


def test_uncovered_is_sorted_by_pa_practice_number_and_instance():
    model = ModelSpec(
        process_areas=(
            ProcessAreaSpec("REQM", 2, (GoalSpec("SG 1", ("SP 1.2", "SP 1.10")),)),
            ProcessAreaSpec("CM", 2, (GoalSpec("SG 1", ("SP 1.1",)),)),
        ),
        generic_goals=(GenericGoalSpec("GG 2", 2, ("GP 2.1",)),),
        maturity_levels=(1, 2),
        capability_levels=(0, 1, 2),
    )
    keys = ("ops", "desk")
    chars = {
        (k, pa.acronym, c): LI
        for k in keys
        for pa in model.process_areas
        for c in (*pa.specific_goals[0].practices, "GP 2.1")
    }
    data = rate(
        model,
        AppraisalInput(
            STAGED,
            target_maturity_level=2,
            coverage={"REQM": frozenset(keys), "CM": frozenset(keys)},
            characterizations=chars,
        ),
    ).to_dict()
    assert [(u["process_area"], u["practice"], u["instance"]) for u in data["uncovered"]] == [
        ("CM", "SP 1.1", "desk"),
        ("CM", "SP 1.1", "ops"),
        ("CM", "GP 2.1", "desk"),
        ("CM", "GP 2.1", "ops"),
        ("REQM", "SP 1.2", "desk"),
        ("REQM", "SP 1.2", "ops"),
        ("REQM", "SP 1.10", "desk"),
        ("REQM", "SP 1.10", "ops"),
        ("REQM", "GP 2.1", "desk"),
        ("REQM", "GP 2.1", "ops"),
    ]


# --- Coverage never raises a rating ----------

VALUES = st.sampled_from([FI, LI, PI, NI, NY, None])
KINDS = st.frozensets(st.sampled_from([D, IND, ART, AFF]))


@given(
    values=st.lists(VALUES, min_size=6, max_size=6),
    kinds=st.lists(KINDS, min_size=6, max_size=6),
    model=st.sampled_from(["v1.2", "v1.3"]),
)
def test_coverage_never_raises_a_goal_rating(values, kinds, model):
    cells = [(k, "REQM", c) for k in ("desk", "ops") for c in ("SP 1.1", "SP 1.2", "GP 2.1")]
    chars = {cell: v for cell, v in zip(cells, values, strict=True) if v is not None}
    evidence = dict(zip(cells, kinds, strict=True))

    def rated(policy):
        return rate(
            MODEL,
            AppraisalInput(
                STAGED,
                target_maturity_level=2,
                coverage={"REQM": frozenset({"desk", "ops"})},
                characterizations=chars,
                evidence_model=model,
                coverage_policy=policy,
                evidence=evidence,
            ),
        )

    off, advisory, enforced = rated("off"), rated("advisory"), rated("enforced")
    assert advisory.process_areas == off.process_areas  # advisory never changes a rating
    assert off.uncovered == [] and advisory.uncovered == enforced.uncovered
    for goal, rating in enforced.process_areas["REQM"].goals.items():
        assert rating in (off.process_areas["REQM"].goals[goal], NOT_RATED)
    assert enforced.maturity_level <= off.maturity_level
    if not enforced.uncovered:
        assert enforced.process_areas == off.process_areas


# --- §4.9 indicators ----------


def test_indicators():
    chars = {(k, "REQM", c): FI for k in ("a", "b", "c") for c in ("SP 1.1", "SP 1.2", "GP 2.1")}
    evidence = {
        ("a", "REQM", "SP 1.1"): frozenset({AFF}),
        ("a", "REQM", "SP 1.2"): frozenset({D}),
        ("b", "REQM", "SP 1.1"): frozenset({ART}),
    }
    source = AppraisalInput(
        STAGED,
        target_maturity_level=2,
        coverage={"REQM": frozenset({"a", "b", "c"})},
        characterizations=chars,
        evidence=evidence,
    )
    results = rate(MODEL, source)
    found = coverage.indicators(source, {"REQM": results.process_areas["REQM"].practices})
    reqm = found.process_areas["REQM"]
    assert (reqm.instances, reqm.with_affirmation, reqm.affirmations_ok) == (3, 1, False)
    assert reqm.both_kinds is True  # instance a has an artifact and an affirmation for REQM
    assert (reqm.cells_needing, reqm.cells_covered, reqm.percent) == (9, 3, 33)
    assert found.instances_without_evidence == ("c",)
    assert found.every_instance_evidenced is False
