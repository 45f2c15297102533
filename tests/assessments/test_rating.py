"""The rating engine, case by case from DESIGN §4 (and the results JSON of §6)."""

from __future__ import annotations

import json

import pytest

from assessments.rating import (
    CONTINUOUS,
    ERROR_CHARACTERIZATION,
    ERROR_REPRESENTATION,
    ERROR_TARGET,
    FI,
    INVALID_VALUE,
    LI,
    NI,
    NOT_A_RANGE,
    NOT_APPLICABLE,
    NOT_FOR_REVIEW,
    NOT_RATED,
    NOT_REQUIRED,
    NY,
    OUT_OF_SCOPE,
    PI,
    SATISFIED,
    STAGED,
    UNSATISFIED,
    AppraisalInput,
    Blocker,
    GenericGoalSpec,
    GoalReview,
    GoalSpec,
    InvalidJudgment,
    ModelSpec,
    PendingPractice,
    ProcessAreaSpec,
    code_sort_key,
    rate,
)

# --- Synthetic models ---------------------------------------------------------------------------

GG2_PRACTICES = tuple(f"GP 2.{n}" for n in range(1, 11))
GENERIC_5 = (
    GenericGoalSpec("GG 1", 1, ("GP 1.1",)),
    GenericGoalSpec("GG 2", 2, GG2_PRACTICES),
    GenericGoalSpec("GG 3", 3, ("GP 3.1", "GP 3.2")),
    GenericGoalSpec("GG 4", 4, ("GP 4.1", "GP 4.2")),
    GenericGoalSpec("GG 5", 5, ("GP 5.1", "GP 5.2")),
)
GENERIC_3 = GENERIC_5[:3]


def pa(acronym: str, maturity_level: int, goals: dict | None = None) -> ProcessAreaSpec:
    goals = goals or {"SG 1": ("SP 1.1", "SP 1.2")}
    specific = tuple(GoalSpec(code, tuple(practices)) for code, practices in goals.items())
    return ProcessAreaSpec(acronym, maturity_level, specific)


def make_model(*pas, generic=GENERIC_5, maturity_levels=(1, 2, 3, 4, 5)) -> ModelSpec:
    top_cl = max(goal.capability_level for goal in generic)
    return ModelSpec(tuple(pas), tuple(generic), maturity_levels, tuple(range(top_cl + 1)))


MODEL = make_model(
    pa("REQM", 2),
    pa("PP", 2, {"SG 1": ("SP 1.1",), "SG 2": ("SP 2.1",)}),
    pa("DAR", 3),
    pa("OPF", 3),
    pa("OPP", 4),
    pa("CAR", 5),
)
MODEL_V13 = make_model(*MODEL.process_areas, generic=GENERIC_3)
ALL_PAS = ("CAR", "DAR", "OPF", "OPP", "PP", "REQM")


def practice_codes(model: ModelSpec, spec: ProcessAreaSpec) -> list[str]:
    """Every practice rated by practice: the SPs and the GPs of GG2 and above (not GP 1.1)."""
    codes = [code for goal in spec.specific_goals for code in goal.practices]
    return codes + [c for g in model.generic_goals if g.capability_level > 1 for c in g.practices]


def chars(changes=None, *, model=MODEL, value=FI, instances=("desk",)) -> dict:
    """Every practice of every PA at `value` for each instance, then `changes` {(PA, practice):
    value} applied to every instance (None removes the characterization)."""
    result = {
        (key, spec.acronym, code): value
        for key in instances
        for spec in model.process_areas
        for code in practice_codes(model, spec)
    }
    for (acronym, code), new in (changes or {}).items():
        for key in instances:
            if new is None:
                result.pop((key, acronym, code), None)
            else:
                result[(key, acronym, code)] = new
    return result


def covered(model=MODEL, instances=("desk",)) -> dict:
    return {spec.acronym: frozenset(instances) for spec in model.process_areas}


def staged(target, changes=None, *, model=MODEL, **kwargs) -> AppraisalInput:
    kwargs.setdefault("characterizations", chars(changes, model=model))
    kwargs.setdefault("coverage", covered(model))
    return AppraisalInput(STAGED, target_maturity_level=target, **kwargs)


def continuous(profile, changes=None, *, model=MODEL, **kwargs) -> AppraisalInput:
    kwargs.setdefault("characterizations", chars(changes, model=model))
    kwargs.setdefault("coverage", covered(model))
    return AppraisalInput(CONTINUOUS, target_profile=profile, **kwargs)


# --- §4.1 Org-unit value of a practice ----------------------------------------------------------

ONE = make_model(pa("REQM", 2, {"SG 1": ("SP 1.1",)}), generic=GENERIC_3)


def rate_practice(values: list, judgment: str | None = None):
    """Rate REQM SP 1.1 from one characterization per instance (None: not characterized)."""
    keys = [f"i{n}" for n in range(1, len(values) + 1)]
    characterizations = chars(model=ONE, instances=keys)
    for key, value in zip(keys, values, strict=True):
        if value is None:
            del characterizations[(key, "REQM", "SP 1.1")]
        else:
            characterizations[(key, "REQM", "SP 1.1")] = value
    judgments = {("REQM", "SP 1.1"): judgment} if judgment else {}
    appraisal = AppraisalInput(
        STAGED,
        target_maturity_level=2,
        coverage={"REQM": frozenset(keys)},
        characterizations=characterizations,
        practice_judgments=judgments,
    )
    return rate(ONE, appraisal)


RANGE = (LI, PI)


@pytest.mark.parametrize(
    ("values", "judgment", "value", "pending", "choices", "judged"),
    [
        ([FI], None, FI, False, (), False),
        ([FI, FI, FI], None, FI, False, (), False),
        ([FI, NY], None, FI, False, (), False),
        ([LI], None, LI, False, (), False),
        ([FI, LI], None, LI, False, (), False),
        ([LI, NY, FI], None, LI, False, (), False),
        ([PI], None, PI, False, (), False),
        ([PI, NI], None, PI, False, (), False),
        ([NI, NY, PI], None, PI, False, (), False),
        ([NI], None, NI, False, (), False),
        ([NI, NY, NI], None, NI, False, (), False),
        ([NY], None, NY, False, (), False),
        ([NY, NY], None, NY, False, (), False),
        # unrated: one covering instance has not characterized it, or nobody covers the PA
        ([FI, None], None, None, False, (), False),
        ([None], None, None, False, (), False),
        ([NY, None], None, None, False, (), False),
        ([], None, None, False, (), False),
        # some FI/LI and some PI/NI: a range left to team judgment
        ([FI, PI], None, None, True, RANGE, False),
        ([LI, NI], None, None, True, RANGE, False),
        ([FI, NI, NY], None, None, True, RANGE, False),
        ([FI, PI], LI, LI, False, RANGE, True),
        ([LI, NI], PI, PI, False, RANGE, True),
    ],
)
def test_org_unit_value(values, judgment, value, pending, choices, judged):
    results = rate_practice(values, judgment)
    practice = results.process_areas["REQM"].practices["SP 1.1"]
    assert (practice.value, practice.pending, practice.choices, practice.judged) == (
        value,
        pending,
        choices,
        judged,
    )
    assert practice.goal == "SG 1"
    expected_instances = {f"i{n}": v for n, v in enumerate(values, start=1)}
    assert practice.instances == expected_instances
    assert results.invalid_judgments == []
    expected_pending = [PendingPractice("REQM", "SP 1.1", RANGE)] if pending else []
    assert results.pending == expected_pending


@pytest.mark.parametrize(
    ("values", "judgment", "value"),
    [
        ([FI, FI], LI, FI),
        ([PI, NI], LI, PI),
        ([FI, None], PI, None),
        ([NY], LI, NY),
        ([], PI, None),
    ],
)
def test_practice_judgment_without_a_range_is_ignored_and_listed(values, judgment, value):
    results = rate_practice(values, judgment)
    practice = results.process_areas["REQM"].practices["SP 1.1"]
    assert (practice.value, practice.judged, practice.choices) == (value, False, ())
    assert results.invalid_judgments == [
        InvalidJudgment("practice", "REQM", "SP 1.1", judgment, NOT_A_RANGE)
    ]


def test_practice_judgment_with_a_bad_value_leaves_the_range_pending():
    results = rate_practice([FI, PI], FI)
    practice = results.process_areas["REQM"].practices["SP 1.1"]
    assert (practice.value, practice.pending) == (None, True)
    assert results.invalid_judgments == [
        InvalidJudgment("practice", "REQM", "SP 1.1", FI, INVALID_VALUE)
    ]


class ReversedSet(frozenset):
    """A frozenset iterating in reverse order, so a test fails if set order leaks out."""

    def __iter__(self):
        return iter(sorted(frozenset.__iter__(self), reverse=True))


def test_instances_are_listed_by_key_whatever_the_set_order():
    keys = ("desk", "lab", "noc")
    appraisal = staged(
        2,
        characterizations=chars(instances=keys),
        coverage={"REQM": ReversedSet(keys)},
    )
    practice = rate(MODEL, appraisal).process_areas["REQM"].practices["SP 1.1"]
    assert list(practice.instances) == ["desk", "lab", "noc"]


def test_characterizations_of_instances_not_covering_the_pa_do_not_count():
    characterizations = chars(instances=("desk", "noc"))
    characterizations[("noc", "REQM", "SP 1.1")] = NI
    appraisal = staged(2, characterizations=characterizations, coverage=covered())
    practice = rate(MODEL, appraisal).process_areas["REQM"].practices["SP 1.1"]
    assert (practice.value, practice.instances) == (FI, {"desk": FI})


# --- §4.2 Goal rating ---------------------------------------------------------------------------

GOAL_MODEL = make_model(pa("REQM", 2, {"SG 1": ("SP 1.1", "SP 1.2", "SP 1.3")}), generic=GENERIC_3)


def rate_goal(practices: dict, practice_judgments=None, goal_judgment=None):
    """Rate REQM SG 1 with two instances; `practices` maps a practice to "desk noc" values, "-"
    meaning not characterized. Unlisted practices are FI."""
    characterizations = chars(model=GOAL_MODEL, instances=("desk", "noc"))
    for code, pair in practices.items():
        for key, value in zip(("desk", "noc"), pair.split(), strict=True):
            if value == "-":
                del characterizations[(key, "REQM", code)]
            else:
                characterizations[(key, "REQM", code)] = value
    appraisal = staged(
        2,
        model=GOAL_MODEL,
        characterizations=characterizations,
        coverage=covered(GOAL_MODEL, ("desk", "noc")),
        practice_judgments=practice_judgments or {},
        goal_judgments={("REQM", "SG 1"): goal_judgment} if goal_judgment else {},
    )
    return rate(GOAL_MODEL, appraisal)


REVIEW = [GoalReview("REQM", "SG 1", (SATISFIED, UNSATISFIED))]


@pytest.mark.parametrize(
    ("practices", "practice_judgments", "goal_judgment", "rating", "reviews", "invalid"),
    [
        ({}, None, None, SATISFIED, [], None),
        ({"SP 1.2": "LI FI"}, None, None, SATISFIED, REVIEW, None),
        ({"SP 1.2": "LI LI", "SP 1.3": "LI NY"}, None, None, SATISFIED, REVIEW, None),
        ({"SP 1.2": "LI FI"}, None, SATISFIED, SATISFIED, [], None),
        ({"SP 1.2": "LI FI"}, None, UNSATISFIED, UNSATISFIED, [], None),
        ({"SP 1.1": "PI PI"}, None, None, UNSATISFIED, [], None),
        ({"SP 1.1": "NI NY"}, None, None, UNSATISFIED, [], None),
        ({"SP 1.1": "NI NI", "SP 1.2": "FI FI"}, None, None, UNSATISFIED, [], None),
        ({"SP 1.2": "FI -"}, None, None, NOT_RATED, [], None),
        ({"SP 1.3": "NY NY"}, None, None, NOT_RATED, [], None),
        ({"SP 1.3": "FI PI"}, None, None, NOT_RATED, [], None),
        # rules v2 (SCAMPI): not rated while any practice is unrated, NY or pending, even
        # next to a PI or NI practice
        ({"SP 1.1": "NI NI", "SP 1.2": "FI -"}, None, None, NOT_RATED, [], None),
        ({"SP 1.3": "FI PI", "SP 1.1": "PI PI"}, None, None, NOT_RATED, [], None),
        ({"SP 1.1": "PI PI", "SP 1.2": "NY NY"}, None, None, NOT_RATED, [], None),
        ({"SP 1.1": "NI NI", "SP 1.2": "NY FI"}, None, None, UNSATISFIED, [], None),
        ({"SP 1.3": "FI PI"}, {("REQM", "SP 1.3"): LI}, None, SATISFIED, REVIEW, None),
        ({"SP 1.3": "FI PI"}, {("REQM", "SP 1.3"): PI}, None, UNSATISFIED, [], None),
        ({"SP 1.3": "FI PI"}, {("REQM", "SP 1.3"): LI}, UNSATISFIED, UNSATISFIED, [], None),
        # a goal judgment anywhere but on a goal satisfied with LI practices is invalid
        ({}, None, UNSATISFIED, SATISFIED, [], NOT_FOR_REVIEW),
        ({"SP 1.1": "PI PI"}, None, SATISFIED, UNSATISFIED, [], NOT_FOR_REVIEW),
        ({"SP 1.3": "FI PI"}, None, UNSATISFIED, NOT_RATED, [], NOT_FOR_REVIEW),
        ({"SP 1.2": "LI FI"}, None, "maybe", SATISFIED, REVIEW, INVALID_VALUE),
    ],
)
def test_goal_rating(practices, practice_judgments, goal_judgment, rating, reviews, invalid):
    results = rate_goal(practices, practice_judgments, goal_judgment)
    result = results.process_areas["REQM"]
    assert result.goals["SG 1"] == rating
    assert results.reviews == reviews
    judged = goal_judgment is not None and invalid is None
    assert result.judged_goals == (("SG 1",) if judged else ())
    expected_invalid = (
        [InvalidJudgment("goal", "REQM", "SG 1", goal_judgment, invalid)] if invalid else []
    )
    assert results.invalid_judgments == expected_invalid


@pytest.mark.parametrize(
    ("changes", "sg1", "sg2", "gg1"),
    [
        ({}, SATISFIED, SATISFIED, SATISFIED),
        ({("PP", "SP 2.1"): PI}, SATISFIED, UNSATISFIED, UNSATISFIED),
        ({("PP", "SP 1.1"): None, ("PP", "SP 2.1"): NI}, NOT_RATED, UNSATISFIED, NOT_RATED),
        ({("PP", "SP 1.1"): None}, NOT_RATED, SATISFIED, NOT_RATED),
        ({("PP", "GP 1.1"): NI}, SATISFIED, SATISFIED, SATISFIED),
    ],
)
def test_gg1_is_rated_from_the_specific_goals_never_by_practices(changes, sg1, sg2, gg1):
    characterizations = chars(changes)
    characterizations[("desk", "PP", "GP 1.1")] = changes.get(("PP", "GP 1.1"), NI)
    results = rate(MODEL, continuous({"PP": 1}, characterizations=characterizations))
    result = results.process_areas["PP"]
    assert result.goals == {"SG 1": sg1, "SG 2": sg2, "GG 1": gg1}
    assert list(result.practices) == ["SP 1.1", "SP 2.1"]


def test_gg1_satisfied_with_lis_is_not_listed_for_review():
    results = rate(MODEL, continuous({"PP": 1}, {("PP", "SP 1.1"): LI}))
    assert results.process_areas["PP"].goals == {
        "SG 1": SATISFIED,
        "SG 2": SATISFIED,
        "GG 1": SATISFIED,
    }
    assert results.reviews == [GoalReview("PP", "SG 1")]


def test_goal_judgment_turning_an_sg_unsatisfied_turns_gg1_unsatisfied():
    appraisal = continuous(
        {"PP": 2},
        {("PP", "SP 1.1"): LI},
        goal_judgments={("PP", "SG 1"): UNSATISFIED, ("PP", "GG 1"): SATISFIED},
    )
    results = rate(MODEL, appraisal)
    assert results.process_areas["PP"].goals["GG 1"] == UNSATISFIED
    assert results.process_areas["PP"].capability_level == 0
    assert results.invalid_judgments == [
        InvalidJudgment("goal", "PP", "GG 1", SATISFIED, NOT_FOR_REVIEW)
    ]


# --- §4.0 and §4.3 Scope and PA rating ----------------------------------------------------------


@pytest.mark.parametrize(
    ("appraisal", "ratings"),
    [
        (
            staged(3),
            {"CAR": OUT_OF_SCOPE, "DAR": SATISFIED, "OPF": SATISFIED, "OPP": OUT_OF_SCOPE}
            | {"PP": SATISFIED, "REQM": SATISFIED},
        ),
        (
            staged(3, {("PP", "SP 2.1"): PI, ("PP", "SP 1.1"): None, ("OPF", "GP 3.2"): None}),
            {"CAR": OUT_OF_SCOPE, "DAR": SATISFIED, "OPF": NOT_RATED, "OPP": OUT_OF_SCOPE}
            | {"PP": NOT_RATED, "REQM": SATISFIED},
        ),
        (
            staged(3, {("PP", "SP 2.1"): PI, ("OPF", "GP 3.2"): NY, ("OPF", "GP 2.1"): NI}),
            {"CAR": OUT_OF_SCOPE, "DAR": SATISFIED, "OPF": NOT_RATED, "OPP": OUT_OF_SCOPE}
            | {"PP": UNSATISFIED, "REQM": SATISFIED},
        ),
        (
            staged(5, not_applicable=frozenset({"PP", "CAR"}), out_of_scope=frozenset({"CAR"})),
            {"CAR": NOT_APPLICABLE, "DAR": SATISFIED, "OPF": SATISFIED, "OPP": SATISFIED}
            | {"PP": NOT_APPLICABLE, "REQM": SATISFIED},
        ),
        (
            staged(2, out_of_scope=frozenset({"REQM", "NOPE"}), not_applicable=frozenset({"OPF"})),
            {"CAR": OUT_OF_SCOPE, "DAR": OUT_OF_SCOPE, "OPF": NOT_APPLICABLE}
            | {"OPP": OUT_OF_SCOPE, "PP": SATISFIED, "REQM": OUT_OF_SCOPE},
        ),
        (
            continuous({"REQM": 2, "OPP": 1, "NOPE": 3}, out_of_scope=frozenset({"OPP"})),
            {"CAR": OUT_OF_SCOPE, "DAR": OUT_OF_SCOPE, "OPF": OUT_OF_SCOPE}
            | {"OPP": OUT_OF_SCOPE, "PP": OUT_OF_SCOPE, "REQM": SATISFIED},
        ),
        (
            continuous({"REQM": 3, "DAR": 1}, {("REQM", "GP 3.1"): NI, ("DAR", "GP 2.1"): NI}),
            {"CAR": OUT_OF_SCOPE, "DAR": SATISFIED, "OPF": OUT_OF_SCOPE}
            | {"OPP": OUT_OF_SCOPE, "PP": OUT_OF_SCOPE, "REQM": UNSATISFIED},
        ),
    ],
)
def test_pa_rating(appraisal, ratings):
    results = rate(MODEL, appraisal)
    assert {acr: result.rating for acr, result in results.process_areas.items()} == ratings


@pytest.mark.parametrize(
    ("appraisal", "required"),
    [
        (staged(2), ("SG 1", "SG 2", "GG 2")),
        (staged(3), ("SG 1", "SG 2", "GG 2", "GG 3")),
        (staged(5), ("SG 1", "SG 2", "GG 2", "GG 3")),
        (continuous({"PP": 0}), ("SG 1", "SG 2")),
        (continuous({"PP": 1}), ("SG 1", "SG 2", "GG 1")),
        (continuous({"PP": 4}), ("SG 1", "SG 2", "GG 1", "GG 2", "GG 3", "GG 4")),
        (continuous({"PP": 5}), ("SG 1", "SG 2", "GG 1", "GG 2", "GG 3", "GG 4", "GG 5")),
    ],
)
def test_required_goals(appraisal, required):
    result = rate(MODEL, appraisal).process_areas["PP"]
    assert result.required_goals == required
    assert tuple(result.goals) == required


def test_pa_out_of_scope_or_not_applicable_has_no_goals_practices_or_level():
    results = rate(MODEL, staged(3, not_applicable=frozenset({"DAR"})))
    for acronym, rating in (("DAR", NOT_APPLICABLE), ("OPP", OUT_OF_SCOPE)):
        result = results.process_areas[acronym]
        assert (result.rating, result.capability_level) == (rating, None)
        assert (result.required_goals, result.goals, result.practices) == ((), {}, {})


def test_practices_the_target_does_not_require_do_not_count():
    results = rate(MODEL, staged(2, {("REQM", "GP 3.1"): NI, ("REQM", "GP 4.1"): NI}))
    result = results.process_areas["REQM"]
    assert result.rating == SATISFIED
    assert list(result.practices) == ["SP 1.1", "SP 1.2", *GG2_PRACTICES]


# --- §4.4 Capability level ----------------------------------------------------------------------


# GG1-GG3 only, but capability levels up to 5: no generic goal for CL4, so CL stops at 3.
MODEL_GAP = ModelSpec(MODEL.process_areas, GENERIC_3, (1, 2, 3, 4, 5), (0, 1, 2, 3, 4, 5))


@pytest.mark.parametrize(
    ("model", "target", "changes", "level"),
    [
        (MODEL, {"REQM": 5}, {}, 5),
        (MODEL, {"REQM": 5}, {("REQM", "GP 5.1"): NI}, 4),
        (MODEL, {"REQM": 5}, {("REQM", "GP 4.2"): NI}, 3),
        (MODEL, {"REQM": 5}, {("REQM", "GP 3.1"): PI}, 2),
        (MODEL, {"REQM": 5}, {("REQM", "GP 2.10"): NI}, 1),
        (MODEL, {"REQM": 5}, {("REQM", "GP 2.1"): PI}, 1),  # GG3..GG5 satisfied
        (MODEL, {"REQM": 5}, {("REQM", "SP 1.1"): PI}, 0),  # GG2..GG5 satisfied
        # rules v2: the level only where it is certain
        (MODEL, {"REQM": 5}, {("REQM", "SP 1.2"): None}, None),
        (MODEL, {"REQM": 5}, {("REQM", "SP 1.2"): NY}, None),
        (MODEL, {"REQM": 5}, {("REQM", "GP 5.1"): NY}, None),
        (MODEL, {"REQM": 5}, {("REQM", "GP 2.3"): None, ("REQM", "GP 3.1"): NI}, None),
        (MODEL, {"REQM": 5}, {("REQM", "GP 2.3"): NI, ("REQM", "GP 3.1"): None}, 1),
        (MODEL, {"REQM": 5}, {("REQM", "GP 4.1"): PI, ("REQM", "GP 5.1"): None}, 3),
        (MODEL, {"REQM": 2}, {("REQM", "GP 3.1"): None}, 2),  # GG3 not required
        (MODEL, 3, {("REQM", "GP 3.2"): None}, None),
        (MODEL, 2, {("REQM", "GP 3.2"): None}, 2),
        (MODEL, {"REQM": 5}, {("REQM", "GP 2.4"): LI}, 5),
        (MODEL, {"REQM": 3}, {}, 3),  # capped by the target
        (MODEL, {"REQM": 1}, {}, 1),
        (MODEL, 2, {}, 2),
        (MODEL, 5, {}, 3),  # staged uses GG2 and GG3 only
        (MODEL, 3, {("REQM", "GP 3.2"): PI}, 2),
        (MODEL_V13, {"REQM": 5}, {}, 3),
        (MODEL_V13, {"REQM": 3}, {("REQM", "GP 3.1"): NI}, 2),
        (MODEL_GAP, {"REQM": 5}, {}, 3),
    ],
)
def test_capability_level(model, target, changes, level):
    """A target int rates staged at that maturity level, a dict continuous with that profile."""
    if isinstance(target, int):
        appraisal = staged(target, changes, model=model)
    else:
        appraisal = continuous(target, changes, model=model)
    assert rate(model, appraisal).process_areas["REQM"].capability_level == level


@pytest.mark.parametrize(
    ("changes", "level"),
    [
        ({("PP", "SP 1.1"): PI, ("PP", "SP 2.1"): None}, 0),  # an unsatisfied SG is certain
        ({("PP", "SP 1.1"): NY, ("PP", "SP 2.1"): NI}, 0),
        ({("PP", "SP 1.1"): NY, ("PP", "SP 2.1"): FI}, None),
        ({("PP", "SP 1.1"): LI}, 3),
    ],
)
def test_capability_level_with_two_specific_goals(changes, level):
    assert rate(MODEL, continuous({"PP": 3}, changes)).process_areas["PP"].capability_level == level


# --- §4.5 Maturity level (staged) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("appraisal", "level", "next_level"),
    [
        (staged(5), 5, None),
        (staged(4), 4, 5),
        (staged(3), 3, 4),
        (staged(2), 2, 3),
        (staged(1), 1, 2),
        (staged(3, out_of_scope=frozenset({"DAR"})), 2, 3),  # an ML3 PA out of scope blocks ML3
        (staged(3, not_applicable=frozenset({"DAR"})), 3, 4),  # not applicable is excused
        (staged(5, not_applicable=frozenset({"OPP", "CAR", "PP"})), 5, None),
        (staged(3, {("PP", "SP 2.1"): PI}), 1, 2),  # DAR and OPF satisfied, ML2 still fails
        (staged(3, {("PP", "SP 1.1"): None}), 1, 2),
        (staged(3, {("REQM", "GP 3.2"): NI}), 2, 3),  # ML3 needs GG3 of the ML2 PAs too
        (staged(2, {("REQM", "GP 3.2"): NI}), 2, 3),  # ...but ML2 does not
        (staged(3, {("OPF", "GP 2.10"): NI}), 2, 3),
        (staged(5, {("OPP", "SP 1.2"): PI}), 3, 4),
        (staged(5, {("CAR", "GP 2.5"): PI}), 4, 5),
        (staged(5, {("CAR", "GP 4.1"): NI, ("CAR", "GP 5.2"): NI}), 5, None),  # not required
        (staged(5, {("REQM", "SP 1.2"): LI}), 5, None),  # satisfied, listed for review
        (staged(5, goal_judgments={("REQM", "SG 1"): UNSATISFIED}), 5, None),  # invalid: ignored
    ],
)
def test_maturity_level(appraisal, level, next_level):
    results = rate(MODEL, appraisal)
    assert (results.maturity_level, results.equivalent_maturity_level) == (level, None)
    assert results.next_level == next_level


def test_goal_judgment_unsatisfied_on_an_ml2_goal_blocks_ml2():
    appraisal = staged(3, {("REQM", "SP 1.2"): LI}, goal_judgments={("REQM", "SG 1"): UNSATISFIED})
    results = rate(MODEL, appraisal)
    assert results.maturity_level == 1
    assert results.blockers == [Blocker("REQM", 2, UNSATISFIED, ("SG 1",))]


MODEL_ML3 = make_model(pa("REQM", 2), pa("OPF", 3), maturity_levels=(1, 2, 3))


@pytest.mark.parametrize(
    "appraisal", [staged(5, model=MODEL_ML3), continuous({"REQM": 3, "OPF": 3}, model=MODEL_ML3)]
)
def test_levels_above_the_models_top_are_never_reached(appraisal):
    results = rate(MODEL_ML3, appraisal)
    assert (results.maturity_level or results.equivalent_maturity_level) == 3
    assert (results.next_level, results.blockers) == (None, [])


# --- §4.6 Equivalent staging (continuous) -------------------------------------------------------

ALL_AT_3 = dict.fromkeys(ALL_PAS, 3)


@pytest.mark.parametrize(
    ("appraisal", "level", "next_level"),
    [
        (continuous(ALL_AT_3), 5, None),
        (continuous(dict.fromkeys(ALL_PAS, 5), {("DAR", "GP 4.1"): NI}), 5, None),
        (continuous(dict.fromkeys(ALL_PAS, 2)), 2, 3),  # ML3 needs CL3
        (continuous({"REQM": 2, "PP": 2}), 2, 3),
        (continuous({"REQM": 3, "PP": 2, "DAR": 3, "OPF": 3}), 2, 3),
        (continuous(ALL_AT_3 | {"CAR": 2}), 4, 5),
        (continuous({k: v for k, v in ALL_AT_3.items() if k != "CAR"}), 4, 5),
        (continuous(ALL_AT_3, {("OPF", "GP 3.1"): NI}), 2, 3),
        (continuous(ALL_AT_3, {("REQM", "GP 2.3"): PI}), 1, 2),
        (continuous(ALL_AT_3, {("OPP", "SP 1.1"): None}), 3, 4),
        # a capability level that is not certain is not reached (rules v2)
        (continuous(ALL_AT_3 | {"REQM": 5}, {("REQM", "GP 4.1"): None}), 1, 2),
        (continuous(ALL_AT_3 | {"REQM": 5}, {("REQM", "GP 4.1"): NI}), 5, None),
        (continuous(ALL_AT_3, {("OPF", "GP 3.1"): NY}), 2, 3),
        (continuous(ALL_AT_3, not_applicable=frozenset({"PP", "CAR"})), 5, None),
        (continuous(ALL_AT_3, out_of_scope=frozenset({"PP"})), 1, 2),
        (continuous(ALL_AT_3 | {"PP": 1}), 1, 2),
        (continuous({}), 1, 2),
    ],
)
def test_equivalent_staging(appraisal, level, next_level):
    results = rate(MODEL, appraisal)
    assert (results.maturity_level, results.equivalent_maturity_level) == (None, level)
    assert results.next_level == next_level


# --- §4.7 Blockers: "which bits first" -----------------------------------------------------------


@pytest.mark.parametrize(
    ("appraisal", "blockers"),
    [
        (staged(5), []),
        (
            staged(3, {("REQM", "GP 3.1"): NI, ("OPF", "SP 1.1"): PI, ("DAR", "SP 1.2"): None}),
            [
                Blocker("REQM", 2, UNSATISFIED, ("GG 3",), ("GP 3.1",)),
                Blocker("DAR", 3, NOT_RATED, ("SG 1",)),
                Blocker("OPF", 3, UNSATISFIED, ("SG 1",), ("SP 1.1",)),
            ],
        ),
        (
            staged(2),
            [
                Blocker("PP", 2, NOT_REQUIRED, ("GG 3",)),
                Blocker("REQM", 2, NOT_REQUIRED, ("GG 3",)),
                Blocker("DAR", 3, OUT_OF_SCOPE, ("SG 1", "GG 2", "GG 3")),
                Blocker("OPF", 3, OUT_OF_SCOPE, ("SG 1", "GG 2", "GG 3")),
            ],
        ),
        (
            staged(3, {("PP", "SP 2.1"): PI, ("PP", "GP 2.2"): None, ("OPF", "SP 1.1"): PI}),
            [Blocker("PP", 2, UNSATISFIED, ("SG 2", "GG 2"), ("SP 2.1",))],
        ),
        (
            # GG3 not rated: REQM's level is not certain, so it blocks even ML2
            continuous(ALL_AT_3 | {"OPP": 2}, {("REQM", "GP 3.1"): None}),
            [Blocker("REQM", 2, NOT_RATED, ("GG 3",))],
        ),
        (
            continuous(ALL_AT_3 | {"REQM": 5}, {("REQM", "GP 4.1"): None, ("REQM", "GP 4.2"): NI}),
            [Blocker("REQM", 2, NOT_RATED, ("GG 4",), ("GP 4.2",))],
        ),
        (
            # the certain failures inside goals that are not rated yet: "which bits first"
            staged(2, {("REQM", "SP 1.1"): PI, ("REQM", "SP 1.2"): None, ("PP", "GP 2.1"): NY}),
            [
                Blocker("PP", 2, NOT_RATED, ("GG 2",)),
                Blocker("REQM", 2, NOT_RATED, ("SG 1",), ("SP 1.1",)),
            ],
        ),
        (
            staged(2, {("REQM", "SP 1.2"): NI, ("REQM", "GP 2.1"): NY, ("REQM", "GP 2.2"): PI}),
            [Blocker("REQM", 2, UNSATISFIED, ("SG 1", "GG 2"), ("SP 1.2", "GP 2.2"))],
        ),
        (
            continuous(ALL_AT_3 | {"OPP": 2, "PP": 5}, {("PP", "GP 4.1"): NI}),
            [Blocker("OPP", 4, NOT_REQUIRED, ("GG 3",))],
        ),
        (
            continuous({k: v for k, v in ALL_AT_3.items() if k != "CAR"}),
            [Blocker("CAR", 5, OUT_OF_SCOPE, ("SG 1", "GG 2", "GG 3"))],
        ),
    ],
)
def test_blockers_of_the_next_level_ml2_first(appraisal, blockers):
    assert rate(MODEL, appraisal).blockers == blockers


# --- §6 Results JSON ----------------------------------------------------------------------------

TINY = make_model(
    pa("REQM", 2, {"SG 2": ("SP 2.1",), "SG 1": ("SP 1.2", "SP 1.1")}),
    pa("CM", 2),
    pa("OPF", 3, {"SG 1": ("SP 1.1",)}),
    generic=(
        GenericGoalSpec("GG 3", 3, ("GP 3.1",)),
        GenericGoalSpec("GG 1", 1, ("GP 1.1",)),
        GenericGoalSpec("GG 2", 2, ("GP 2.10", "GP 2.9", "GP 2.1")),
    ),
    maturity_levels=(1, 2, 3),
)


def tiny_results():
    characterizations = chars(model=TINY, instances=("desk", "noc"))
    for code in ("SP 1.1", "SP 1.2", "GP 2.1", "GP 2.9", "GP 2.10", "GP 3.1"):
        del characterizations[("noc", "CM", code)]
    characterizations |= {
        ("noc", "REQM", "SP 1.2"): PI,  # with desk's FI: a range, pending
        ("noc", "REQM", "SP 2.1"): LI,  # SG 2 satisfied with an LI: to review
        ("desk", "CM", "GP 2.9"): NI,
        ("desk", "CM", "GP 3.1"): NI,  # not required at target 2
        ("desk", "REQM", "GP 1.1"): NI,  # never rated
    }
    del characterizations[("noc", "REQM", "GP 3.1")]
    appraisal = continuous(
        {"REQM": 3, "CM": 2, "OPF": 1},
        model=TINY,
        not_applicable=frozenset({"OPF"}),
        coverage={"REQM": frozenset({"noc", "desk"}), "CM": frozenset({"desk"})},
        characterizations=characterizations,
        # Evidence coverage has its own tests (test_coverage.py): off here, `uncovered` is empty.
        coverage_policy="off",
    )
    return rate(TINY, appraisal)


TINY_JSON = {
    "maturity_level": None,
    "equivalent_maturity_level": 1,
    "process_areas": {
        "CM": {
            "rating": UNSATISFIED,
            "capability_level": 1,
            "goals": {"SG 1": SATISFIED, "GG 1": SATISFIED, "GG 2": UNSATISFIED},
            "practices": {"SP 1.1": FI, "SP 1.2": FI, "GP 2.1": FI, "GP 2.9": NI, "GP 2.10": FI},
        },
        "OPF": {"rating": NOT_APPLICABLE, "capability_level": None, "goals": {}, "practices": {}},
        "REQM": {
            "rating": NOT_RATED,
            "capability_level": None,
            "goals": {
                "SG 1": NOT_RATED,
                "SG 2": SATISFIED,
                "GG 1": NOT_RATED,
                "GG 2": SATISFIED,
                "GG 3": NOT_RATED,
            },
            "practices": {
                "SP 1.1": FI,
                "SP 1.2": None,
                "SP 2.1": LI,
                "GP 2.1": FI,
                "GP 2.9": FI,
                "GP 2.10": FI,
                "GP 3.1": None,
            },
        },
    },
    "pending": [{"process_area": "REQM", "practice": "SP 1.2", "choices": ["LI", "PI"]}],
    "reviews": [{"process_area": "REQM", "goal": "SG 2", "choices": ["satisfied", "unsatisfied"]}],
    "uncovered": [],
}


def test_to_dict_is_the_results_json_of_design_6():
    data = tiny_results().to_dict(extended=False)
    assert data == TINY_JSON
    assert list(data) == [
        "maturity_level",
        "equivalent_maturity_level",
        "process_areas",
        "pending",
        "reviews",
        "uncovered",
    ]
    assert list(data["process_areas"]) == ["CM", "OPF", "REQM"]
    assert list(data["process_areas"]["REQM"]) == [
        "rating",
        "capability_level",
        "goals",
        "practices",
    ]
    assert list(data["process_areas"]["REQM"]["goals"]) == ["SG 1", "SG 2", "GG 1", "GG 2", "GG 3"]
    assert list(data["process_areas"]["REQM"]["practices"]) == list(
        TINY_JSON["process_areas"]["REQM"]["practices"]
    )
    assert list(data["process_areas"]["CM"]["practices"])[-2:] == ["GP 2.9", "GP 2.10"]
    assert json.loads(json.dumps(data)) == data


def test_to_dict_extended_adds_next_level_and_blockers_only():
    data = tiny_results().to_dict()
    assert {k: v for k, v in data.items() if k not in ("next_level", "blockers")} == TINY_JSON
    assert data["next_level"] == 2
    assert data["blockers"] == [
        {
            "process_area": "CM",
            "maturity_level": 2,
            "reason": UNSATISFIED,
            "goals": ["GG 2"],
            "failing_practices": ["GP 2.9"],
        },
        {
            "process_area": "REQM",
            "maturity_level": 2,
            "reason": NOT_RATED,
            "goals": ["SG 1"],
            "failing_practices": [],
        },
    ]
    assert json.loads(json.dumps(data)) == data


def test_staged_to_dict_has_a_maturity_level_and_no_equivalent():
    data = rate(MODEL, staged(2)).to_dict()
    assert (data["maturity_level"], data["equivalent_maturity_level"]) == (2, None)
    assert data["process_areas"]["OPF"] == {
        "rating": OUT_OF_SCOPE,
        "capability_level": None,
        "goals": {},
        "practices": {},
    }
    assert list(data["process_areas"]) == sorted(ALL_PAS)
    assert list(data["process_areas"]["PP"]["practices"]) == ["SP 1.1", "SP 2.1", *GG2_PRACTICES]


SORT_MODEL = make_model(
    pa("PP", 2, {"SG 1": ("SP 1.10", "SP 1.2", "SP 1.1")}),
    pa("CM", 2, {"SG 2": ("SP 2.1",), "SG 1": ("SP 1.1",)}),
    generic=GENERIC_3,
)


def test_pending_and_reviews_are_sorted_by_pa_then_number():
    changes = {
        ("PP", "SP 1.10"): PI,
        ("PP", "SP 1.2"): PI,
        ("PP", "GP 2.10"): PI,
        ("PP", "GP 2.9"): PI,
        ("CM", "SP 2.1"): LI,
        ("CM", "SP 1.1"): LI,
        ("CM", "GP 3.1"): LI,
    }
    characterizations = chars(changes, model=SORT_MODEL, instances=("noc",))
    characterizations |= chars(model=SORT_MODEL, instances=("desk",))
    appraisal = staged(
        3,
        model=SORT_MODEL,
        characterizations=characterizations,
        coverage=covered(SORT_MODEL, ("desk", "noc")),
    )
    results = rate(SORT_MODEL, appraisal)
    assert [(p.process_area, p.practice) for p in results.pending] == [
        ("PP", "SP 1.2"),
        ("PP", "SP 1.10"),
        ("PP", "GP 2.9"),
        ("PP", "GP 2.10"),
    ]
    assert [(r.process_area, r.goal) for r in results.reviews] == [
        ("CM", "SG 1"),
        ("CM", "SG 2"),
        ("CM", "GG 3"),
    ]


@pytest.mark.parametrize(
    ("codes", "ordered"),
    [
        (["GP 2.10", "GP 2.9", "GP 2.1"], ["GP 2.1", "GP 2.9", "GP 2.10"]),
        (["GP 2.1", "SP 3.1", "SP 1.10", "SP 1.9"], ["SP 1.9", "SP 1.10", "SP 3.1", "GP 2.1"]),
        (["GG 2", "SG 10", "GG 1", "SG 2"], ["SG 2", "SG 10", "GG 1", "GG 2"]),
        (["odd", "GP 1.1", "SP 1.1"], ["SP 1.1", "GP 1.1", "odd"]),
    ],
)
def test_code_sort_key(codes, ordered):
    assert sorted(codes, key=code_sort_key) == ordered


# --- Judgments that do not apply, bad input -----------------------------------------------------


@pytest.mark.parametrize(
    ("appraisal", "invalid"),
    [
        (
            staged(2, practice_judgments={("REQM", "SP 1.1"): LI}),
            InvalidJudgment("practice", "REQM", "SP 1.1", LI, NOT_A_RANGE),
        ),
        (
            staged(2, practice_judgments={("OPF", "SP 1.1"): LI}),
            InvalidJudgment("practice", "OPF", "SP 1.1", LI, NOT_REQUIRED),
        ),
        (
            staged(2, practice_judgments={("REQM", "GP 3.1"): PI}),
            InvalidJudgment("practice", "REQM", "GP 3.1", PI, NOT_REQUIRED),
        ),
        (
            continuous({"REQM": 3}, practice_judgments={("REQM", "GP 1.1"): PI}),
            InvalidJudgment("practice", "REQM", "GP 1.1", PI, NOT_REQUIRED),
        ),
        (
            staged(2, practice_judgments={("NOPE", "SP 1.1"): LI}),
            InvalidJudgment("practice", "NOPE", "SP 1.1", LI, NOT_REQUIRED),
        ),
        (
            staged(2, practice_judgments={("REQM", "SP 1.1"): NY}),
            InvalidJudgment("practice", "REQM", "SP 1.1", NY, INVALID_VALUE),
        ),
        (
            staged(2, goal_judgments={("REQM", "GG 3"): UNSATISFIED}),
            InvalidJudgment("goal", "REQM", "GG 3", UNSATISFIED, NOT_REQUIRED),
        ),
        (
            staged(2, goal_judgments={("REQM", "SG 1"): UNSATISFIED}),
            InvalidJudgment("goal", "REQM", "SG 1", UNSATISFIED, NOT_FOR_REVIEW),
        ),
        (
            continuous({"REQM": 1}, goal_judgments={("REQM", "GG 1"): UNSATISFIED}),
            InvalidJudgment("goal", "REQM", "GG 1", UNSATISFIED, NOT_FOR_REVIEW),
        ),
    ],
)
def test_judgments_that_do_not_apply_are_ignored_and_listed(appraisal, invalid):
    results = rate(MODEL, appraisal)
    assert results.invalid_judgments == [invalid]
    assert results.process_areas["REQM"].rating == SATISFIED
    assert results.process_areas["REQM"].judged_goals == ()


def test_invalid_judgments_are_sorted_practices_first():
    appraisal = staged(
        2,
        practice_judgments={("REQM", "SP 1.2"): LI, ("PP", "SP 1.1"): PI, ("REQM", "GP 2.10"): LI}
        | {("REQM", "GP 2.9"): LI},
        goal_judgments={("REQM", "SG 1"): SATISFIED, ("PP", "GG 2"): UNSATISFIED},
    )
    assert [(j.kind, j.process_area, j.code) for j in rate(MODEL, appraisal).invalid_judgments] == [
        ("practice", "PP", "SP 1.1"),
        ("practice", "REQM", "SP 1.2"),
        ("practice", "REQM", "GP 2.9"),
        ("practice", "REQM", "GP 2.10"),
        ("goal", "PP", "GG 2"),
        ("goal", "REQM", "SG 1"),
    ]


@pytest.mark.parametrize(
    ("appraisal", "message"),
    [
        (AppraisalInput("mixed"), ERROR_REPRESENTATION.format("mixed")),
        (AppraisalInput(STAGED), ERROR_TARGET),
        (
            staged(2, characterizations={("desk", "REQM", "SP 1.1"): "XX"}),
            ERROR_CHARACTERIZATION.format(("desk", "REQM", "SP 1.1"), "XX"),
        ),
    ],
)
def test_bad_input_raises(appraisal, message):
    with pytest.raises(ValueError) as error:
        rate(MODEL, appraisal)
    assert str(error.value) == message
