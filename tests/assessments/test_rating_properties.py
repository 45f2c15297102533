"""Properties of the rating engine (DESIGN §4) over generated appraisals."""

from __future__ import annotations

import json
import random
from dataclasses import replace

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assessments.rating import (
    CONTINUOUS,
    FI,
    GOAL_CHOICES,
    LI,
    NI,
    NOT_APPLICABLE,
    NOT_RATED,
    NY,
    OUT_OF_SCOPE,
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
    rate_process_area,
)

PROPERTY = settings(max_examples=200, deadline=None)

GENERIC_5 = (
    GenericGoalSpec("GG 1", 1, ("GP 1.1",)),
    GenericGoalSpec("GG 2", 2, ("GP 2.1", "GP 2.2")),
    GenericGoalSpec("GG 3", 3, ("GP 3.1",)),
    GenericGoalSpec("GG 4", 4, ("GP 4.1",)),
    GenericGoalSpec("GG 5", 5, ("GP 5.1",)),
)
PAS = (
    ProcessAreaSpec("CM", 2, (GoalSpec("SG 1", ("SP 1.1", "SP 1.2")),)),
    ProcessAreaSpec("REQM", 2, (GoalSpec("SG 1", ("SP 1.1",)), GoalSpec("SG 2", ("SP 2.1",)))),
    ProcessAreaSpec("OPF", 3, (GoalSpec("SG 1", ("SP 1.1",)),)),
    ProcessAreaSpec("OPP", 4, (GoalSpec("SG 1", ("SP 1.1",)),)),
    ProcessAreaSpec("CAR", 5, (GoalSpec("SG 1", ("SP 1.1",)),)),
)
MODEL_5 = ModelSpec(PAS, GENERIC_5, (1, 2, 3, 4, 5), (0, 1, 2, 3, 4, 5))
MODEL_3 = ModelSpec(PAS, GENERIC_5[:3], (1, 2, 3, 4, 5), (0, 1, 2, 3))
MODELS = (MODEL_5, MODEL_3)
INSTANCES = ("desk", "noc")
ACRONYMS = tuple(sorted(pa.acronym for pa in PAS))

MISSING = "-"  # drawn in place of a value: the instance has not characterized the practice
GOOD_PALETTES = ((FI,), (FI, LI))
ALL_PALETTES = (*GOOD_PALETTES, (FI, LI, PI, NI, NY, MISSING))
RAISE_ORDER = (NI, PI, LI, FI)  # NY is "not yet", outside this order


def all_practices(model: ModelSpec, pa: ProcessAreaSpec) -> list[str]:
    """Every practice of a PA, GP 1.1 included (characterized, never rated)."""
    codes = [code for goal in pa.specific_goals for code in goal.practices]
    return codes + [code for goal in model.generic_goals for code in goal.practices]


def all_goals(model: ModelSpec, pa: ProcessAreaSpec) -> list[str]:
    return [goal.code for goal in pa.specific_goals] + [g.code for g in model.generic_goals]


@st.composite
def appraisals(draw, model: ModelSpec) -> AppraisalInput:
    """A staged or continuous appraisal with characterizations that are either all good but for a
    few defects (so levels are often reached and fail for one reason) or mixed with gaps, plus
    ranges, judgments (some not applying) and scope declarations."""
    mixed = draw(st.booleans())
    coverings = [INSTANCES, ("desk",), ("noc",)] + ([()] if mixed else [])
    coverage, characterizations = {}, {}
    for pa in PAS:
        coverage[pa.acronym] = frozenset(draw(st.sampled_from(coverings)))
        palette = draw(st.sampled_from(ALL_PALETTES if mixed else GOOD_PALETTES))
        keys = [(key, pa.acronym, code) for key in INSTANCES for code in all_practices(model, pa)]
        values = draw(st.lists(st.sampled_from(palette), min_size=len(keys), max_size=len(keys)))
        characterizations |= dict(zip(keys, values, strict=True))
    if not mixed:
        defects = st.sampled_from((PI, NI, NY, MISSING, LI))
        characterizations |= draw(
            st.dictionaries(st.sampled_from(sorted(characterizations)), defects, max_size=3)
        )
    characterizations = {k: v for k, v in characterizations.items() if v != MISSING}
    practice_keys = [(pa.acronym, code) for pa in PAS for code in all_practices(model, pa)]
    goal_keys = [(pa.acronym, goal) for pa in PAS for goal in all_goals(model, pa)]
    representation = draw(st.sampled_from((STAGED, CONTINUOUS)))
    profile = draw(st.dictionaries(st.sampled_from(ACRONYMS), st.integers(0, 5)))
    return AppraisalInput(
        representation=representation,
        target_maturity_level=draw(st.integers(1, 5)) if representation == STAGED else None,
        target_profile=profile if representation == CONTINUOUS else {},
        out_of_scope=draw(st.frozensets(st.sampled_from(ACRONYMS), max_size=2)),
        not_applicable=draw(st.frozensets(st.sampled_from(ACRONYMS), max_size=2)),
        coverage=coverage,
        characterizations=characterizations,
        practice_judgments=draw(
            st.dictionaries(st.sampled_from(practice_keys), st.sampled_from((LI, PI)), max_size=6)
        ),
        goal_judgments=draw(
            st.dictionaries(st.sampled_from(goal_keys), st.sampled_from(GOAL_CHOICES), max_size=4)
        ),
    )


def raise_one(data, appraisal: AppraisalInput) -> AppraisalInput:
    """The same appraisal with one counted characterization raised in NI < PI < LI < FI."""
    raisable = sorted(
        key
        for key, value in appraisal.characterizations.items()
        if value in (NI, PI, LI) and key[0] in appraisal.coverage[key[1]]
    )
    assume(raisable)
    # Pick the value first, so the rare NI and PI get raised as often as the common LI.
    old = data.draw(st.sampled_from(sorted({appraisal.characterizations[k] for k in raisable})))
    key = data.draw(st.sampled_from([k for k in raisable if appraisal.characterizations[k] == old]))
    new = data.draw(st.sampled_from(RAISE_ORDER[RAISE_ORDER.index(old) + 1 :]))
    return replace(appraisal, characterizations={**appraisal.characterizations, key: new})


def level_reached(model: ModelSpec, result) -> int | None:
    """What a PA has certainly reached so far: 0 unless every SG is satisfied, else 1 plus the
    run of satisfied required generic goals GG2, GG3, ... (None out of scope)."""
    if result.rating in (NOT_APPLICABLE, OUT_OF_SCOPE):
        return None
    specific = [code for code in result.required_goals if code.startswith("SG")]
    if any(result.goals[code] != SATISFIED for code in specific):
        return 0
    level = 1
    while level + 1 in model.capability_levels:
        codes = [g.code for g in model.generic_goals if g.capability_level == level + 1]
        if not codes or any(result.goals.get(code) != SATISFIED for code in codes):
            break
        level += 1
    return level


@PROPERTY
@given(data=st.data())
def test_raising_a_characterization_never_lowers_what_is_certain(data):
    """(a) Raising one characterization (NI < PI < LI < FI), under rules v2:

    1. a satisfied goal or PA stays satisfied, so the level a PA has certainly reached (its
       satisfied SGs, then its run of satisfied GG2, GG3, ...) never drops, and neither does the
       staged maturity level, which depends only on satisfied goals;
    2. a capability level that is certain before and after the raise never drops; it may become
       uncertain (None): NI, NI -> NI, LI makes a range, pending until judged, and its goal not
       rated again; and an uncertain level may become a certain 0 (see the examples below);
    3. the equivalent maturity level never drops unless the raise leaves the level of a PA that
       was certain uncertain: equivalent staging counts a level that is not certain as not
       reached (DESIGN §4.6).

    Goal ratings are otherwise not monotone: unsatisfied -> not_rated (the range above) and
    not_rated -> unsatisfied (FI, PI pending next to a PI practice, raised to FI, LI) both happen,
    since v2 rates a goal only once all its practices are rated. Why 1 holds: a satisfied goal has
    only FI/LI practices, a raise keeps FI as FI and LI (pure or judged) as LI or FI, and a
    judgment that settled the goal still settles it. NY and a missing characterization are
    outside the order.
    """
    model = data.draw(st.sampled_from(MODELS))
    before_input = data.draw(appraisals(model))
    before, after = rate(model, before_input), rate(model, raise_one(data, before_input))
    assert (after.maturity_level or 0) >= (before.maturity_level or 0)
    became_uncertain = False
    for acronym, old in before.process_areas.items():
        new = after.process_areas[acronym]
        if old.rating == SATISFIED:
            assert new.rating == SATISFIED
        for goal, rating in old.goals.items():
            if rating == SATISFIED:
                assert new.goals[goal] == SATISFIED
        if old.rating in (NOT_APPLICABLE, OUT_OF_SCOPE):
            assert new.capability_level is None
            continue
        assert level_reached(model, new) >= level_reached(model, old)
        if old.capability_level is not None and new.capability_level is not None:
            assert new.capability_level >= old.capability_level
        if new.capability_level is not None:
            assert new.capability_level == level_reached(model, new)
        became_uncertain |= old.capability_level is not None and new.capability_level is None
    if not became_uncertain:
        assert (after.equivalent_maturity_level or 0) >= (before.equivalent_maturity_level or 0)


def pa_with_two_instances(goals: dict, profile: int = 1):
    """A one-PA model rated continuous at `profile` by desk and noc; `goals` maps SG codes to
    {practice: "desk noc"}."""
    pa = ProcessAreaSpec(
        "CM", 2, tuple(GoalSpec(code, tuple(practices)) for code, practices in goals.items())
    )
    model = ModelSpec((pa,), GENERIC_5, (1, 2, 3, 4, 5), (0, 1, 2, 3, 4, 5))
    characterizations = {
        (key, "CM", code): value
        for practices in goals.values()
        for code, pair in practices.items()
        for key, value in zip(INSTANCES, pair.split(), strict=True)
    }
    for level in range(2, profile + 1):
        for goal in GENERIC_5[level - 1 : level]:
            characterizations |= {(key, "CM", gp): FI for key in INSTANCES for gp in goal.practices}
    appraisal = AppraisalInput(
        CONTINUOUS,
        target_profile={"CM": profile},
        coverage={"CM": frozenset(INSTANCES)},
        characterizations=characterizations,
    )
    return model, appraisal


def raised(appraisal: AppraisalInput, key: tuple[str, str, str], value: str) -> AppraisalInput:
    return replace(appraisal, characterizations={**appraisal.characterizations, key: value})


def test_a_raise_can_make_a_certain_level_uncertain():
    """NI, NI -> NI, LI: the practice becomes a pending range, its goal not rated, CL0 -> None."""
    model, before = pa_with_two_instances({"SG 1": {"SP 1.1": "NI NI"}})
    after = raised(before, ("noc", "CM", "SP 1.1"), LI)
    old, new = rate(model, before).process_areas["CM"], rate(model, after).process_areas["CM"]
    assert (old.goals["SG 1"], old.capability_level) == (UNSATISFIED, 0)
    assert (new.goals["SG 1"], new.capability_level) == (NOT_RATED, None)


def test_a_raise_can_turn_a_goal_that_was_not_rated_unsatisfied():
    """FI, PI pending next to a PI practice: not rated; raise PI to LI and the goal is rated."""
    model, before = pa_with_two_instances({"SG 1": {"SP 1.1": "FI PI", "SP 1.2": "PI PI"}})
    after = raised(before, ("noc", "CM", "SP 1.1"), LI)
    old, new = rate(model, before).process_areas["CM"], rate(model, after).process_areas["CM"]
    assert (old.goals["SG 1"], old.capability_level) == (NOT_RATED, None)
    assert (new.goals["SG 1"], new.capability_level) == (UNSATISFIED, 0)


def test_a_raise_can_lower_the_equivalent_maturity_level_by_making_a_level_uncertain():
    """CM at target CL4 with GG4 all NI has a certain CL3 (equivalent ML2); raising one GP 4.1 to
    FI leaves GG4 pending, CM's level uncertain and equivalent ML2 out of reach (§4.6)."""
    model, before = pa_with_two_instances({"SG 1": {"SP 1.1": "FI FI"}}, profile=3)
    before = replace(
        before,
        target_profile={"CM": 4},
        characterizations=before.characterizations
        | {("desk", "CM", "GP 4.1"): NI, ("noc", "CM", "GP 4.1"): NI},
    )
    after = raised(before, ("noc", "CM", "GP 4.1"), FI)
    old, new = rate(model, before), rate(model, after)
    assert (old.process_areas["CM"].capability_level, old.equivalent_maturity_level) == (3, 5)
    assert (new.process_areas["CM"].capability_level, new.equivalent_maturity_level) == (None, 1)


def test_a_goal_judgment_can_take_effect_when_a_characterization_rises():
    """A goal judgment applies only to a goal satisfied with LI practices: not_rated ->
    unsatisfied after raising PI to LI."""
    pa = ProcessAreaSpec("CM", 2, (GoalSpec("SG 1", ("SP 1.1",)),))
    model = ModelSpec((pa,), (), (1, 2), (0, 1))
    before = AppraisalInput(
        CONTINUOUS,
        target_profile={"CM": 1},
        coverage={"CM": frozenset(INSTANCES)},
        characterizations={("desk", "CM", "SP 1.1"): FI, ("noc", "CM", "SP 1.1"): PI},
        goal_judgments={("CM", "SG 1"): UNSATISFIED},
    )
    after = raised(before, ("noc", "CM", "SP 1.1"), LI)
    assert rate(model, before).process_areas["CM"].goals["SG 1"] == NOT_RATED
    assert rate(model, after).process_areas["CM"].goals["SG 1"] == UNSATISFIED


def shuffled(rng: random.Random, items) -> list:
    items = list(items)
    rng.shuffle(items)
    return items


class FixedOrderSet(frozenset):
    """A frozenset that iterates in the order it was built from (a plain frozenset of a few
    strings iterates in hash order whatever the insertion order, which would hide a bug)."""

    def __new__(cls, items):
        instance = super().__new__(cls, items)
        instance.order = tuple(items)
        return instance

    def __iter__(self):
        return iter(self.order)


@PROPERTY
@given(data=st.data())
def test_input_order_does_not_matter(data):
    """(b) The same model and appraisal built with every dict, set and tuple in another order
    rate to the same results, down to the order of keys and lists (DESIGN §4.7)."""
    model = data.draw(st.sampled_from(MODELS))
    appraisal = data.draw(appraisals(model))
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    other_model = ModelSpec(
        process_areas=tuple(
            replace(
                pa,
                specific_goals=tuple(
                    GoalSpec(goal.code, tuple(shuffled(rng, goal.practices)))
                    for goal in shuffled(rng, pa.specific_goals)
                ),
            )
            for pa in shuffled(rng, model.process_areas)
        ),
        generic_goals=tuple(
            replace(goal, practices=tuple(shuffled(rng, goal.practices)))
            for goal in shuffled(rng, model.generic_goals)
        ),
        maturity_levels=tuple(shuffled(rng, model.maturity_levels)),
        capability_levels=tuple(shuffled(rng, model.capability_levels)),
    )
    other_appraisal = replace(
        appraisal,
        target_profile=dict(shuffled(rng, appraisal.target_profile.items())),
        out_of_scope=FixedOrderSet(shuffled(rng, appraisal.out_of_scope)),
        not_applicable=FixedOrderSet(shuffled(rng, appraisal.not_applicable)),
        coverage={
            acronym: FixedOrderSet(shuffled(rng, keys))
            for acronym, keys in shuffled(rng, appraisal.coverage.items())
        },
        characterizations=dict(shuffled(rng, appraisal.characterizations.items())),
        practice_judgments=dict(shuffled(rng, appraisal.practice_judgments.items())),
        goal_judgments=dict(shuffled(rng, appraisal.goal_judgments.items())),
    )
    results, other = rate(model, appraisal), rate(other_model, other_appraisal)
    assert json.dumps(other.to_dict()) == json.dumps(results.to_dict())
    assert repr(other) == repr(results)


@PROPERTY
@given(data=st.data())
def test_equivalent_staging_agrees_with_the_staged_maturity_level(data):
    """(c) Rated staged at the model's top maturity level and continuous with every PA of the
    variant at target capability level 3, the same scope declarations, coverage,
    characterizations and judgments give the same capability levels; the equivalent maturity
    level is never above the staged one, and when every PA in scope has a certain capability
    level they agree on the maturity level, the next level and the blockers.

    Conditions that make it true: the model has generic goals of capability levels 2 and 3 and
    capability levels 2 and 3 (MODEL_5 has GG1-GG5, MODEL_3 GG1-GG3), every PA is at ML 2 or
    above, and the top maturity level is at least 3. Then both representations rate the SGs,
    GG2 and GG3 of every PA in scope from the same practices (GG4/GG5 are required by neither),
    so a certain CL >= min(n, 3) exactly when the goals staged ML n needs are satisfied. They
    part only where a level is not certain: an ML2 PA with SGs and GG2 satisfied and GG3 not
    rated counts for staged ML2 but its uncertain level does not count for equivalent ML2 (§4.6).
    """
    model = data.draw(st.sampled_from(MODELS))
    appraisal = data.draw(appraisals(model))
    as_staged = replace(
        appraisal,
        representation=STAGED,
        target_maturity_level=max(model.maturity_levels),
        target_profile={},
    )
    as_continuous = replace(
        appraisal,
        representation=CONTINUOUS,
        target_maturity_level=None,
        target_profile=dict.fromkeys(ACRONYMS, 3),
    )
    staged, continuous = rate(model, as_staged), rate(model, as_continuous)
    levels = {a: r.capability_level for a, r in staged.process_areas.items()}
    assert levels == {a: r.capability_level for a, r in continuous.process_areas.items()}
    assert staged.maturity_level >= continuous.equivalent_maturity_level
    certain = all(
        result.capability_level is not None
        for result in staged.process_areas.values()
        if result.rating not in (NOT_APPLICABLE, OUT_OF_SCOPE)
    )
    if certain:
        assert staged.maturity_level == continuous.equivalent_maturity_level
        assert staged.next_level == continuous.next_level
        assert staged.blockers == continuous.blockers


@PROPERTY
@given(data=st.data())
def test_rating_one_process_area_agrees_with_rating_the_whole_appraisal(data):
    """A cell save redraws its PA from `rate_process_area`: it must say what `rate` says."""
    model = data.draw(st.sampled_from(MODELS))
    appraisal = data.draw(appraisals(model))
    assume(appraisal.representation == CONTINUOUS or appraisal.target_maturity_level)
    whole = rate(model, appraisal)
    for acronym in ACRONYMS:
        assert rate_process_area(model, appraisal, acronym) == whole.process_areas[acronym]
