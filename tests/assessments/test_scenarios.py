"""Hand-worked rating scenarios on the seed's constellation (DESIGN §4), end to end.

Each scenario builds an appraisal through the services (scope, instances, judgments) and bulk
characterizations, then checks the engine's results as `load_appraisal_state` gives them AND as
`manage.py rate_appraisal ID --json` prints them (DESIGN §6). The expected values are worked out
by hand in the comments from the rules and the draft catalog:

    ML2: CM IRM MA PMC PP PPQA REQM SAM
    ML3: CAM DAR IPM OPD OPF OT PRM RSKM SD ST, and the optional OSM SCON SSD
    ML4: OPP QPM · ML5: CAR OID · GG1 (GP 1.1) … GG5 (GP 5.1, GP 5.2)
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from simple_history.utils import bulk_create_with_history

from assessments import revision, services
from assessments.engine_input import load_appraisal_state, load_catalog
from assessments.models import (
    Appraisal,
    Characterization,
    GoalJudgment,
    PracticeJudgment,
    ScopeItem,
)
from models_catalog.models import GenericPractice, ModelVariant

ML2 = ["CM", "IRM", "MA", "PMC", "PP", "PPQA", "REQM", "SAM"]
ML3 = ["CAM", "DAR", "IPM", "OPD", "OPF", "OT", "PRM", "RSKM", "SD", "ST"]
ML4_5 = ["OPP", "QPM", "CAR", "OID"]
INSTANCES = ("desk", "hosting")


# --- Building appraisals ----------------------------------------------------------------------


def variant(catalog, slug: str) -> ModelVariant:
    return ModelVariant.objects.get(constellation=catalog, slug=slug)


def make_appraisal(
    org,
    variant: ModelVariant,
    *,
    target: int | None = None,
    profile: dict[str, int] | None = None,
    not_applicable: tuple[str, ...] = (),
    out_of_scope: tuple[str, ...] = (),
) -> Appraisal:
    """A staged appraisal (`target`) or a continuous one (`profile`), with its scope declared and
    two instances, desk and hosting, covering every PA in scope."""
    appraisal = services.appraisal_create(
        organisation=org,
        name=f"Scenario {Appraisal.objects.count() + 1}",
        variant=variant,
        representation="staged" if target else "continuous",
        target_maturity_level=target,
        target_profile=profile,
        status="rating",
    )
    for item in appraisal.scope_items.select_related("process_area", "appraisal__variant"):
        acronym = item.process_area.acronym
        if acronym in not_applicable or acronym in out_of_scope:
            services.scope_item_update(
                item=item,
                applicability=ScopeItem.Applicability.NOT_APPLICABLE
                if acronym in not_applicable
                else ScopeItem.Applicability.OUT_OF_SCOPE,
                justification="No suppliers." if acronym in not_applicable else "",
                target_capability_level=item.target_capability_level,
            )
    state = load_appraisal_state(appraisal)
    pas = [state.catalog.process_areas[acronym] for acronym in state.in_scope]
    for key in INSTANCES:
        services.instance_save(
            appraisal=appraisal, key=key, name=key.title(), kind="service", process_areas=pas
        )
    return appraisal


def rate(
    appraisal: Appraisal,
    acronyms: str | list[str],
    value: str = "FI",
    *,
    only: tuple[str, ...] = (),
    instances: tuple[str, ...] = INSTANCES,
) -> None:
    """Characterize every required practice of the PAs (or just the codes in `only`) as `value`
    for the given instances, replacing what they had."""
    if isinstance(acronyms, str):
        acronyms = [acronyms]
    state = load_appraisal_state(appraisal)
    catalog = state.catalog
    by_key = {instance.key: instance for instance in state.instances}
    for acronym in acronyms:
        pa = catalog.process_areas[acronym]
        codes = only or tuple(state.results.process_areas[acronym].practices)
        existing = Characterization.objects.filter(
            appraisal=appraisal, process_area=pa, sampled_instance__key__in=instances
        )
        keep = []
        for row in existing.select_related("specific_practice", "generic_practice"):
            if row.practice_code in codes:
                row.delete()
            else:
                keep.append(row)
        rows = []
        for key in instances:
            for code in codes:
                practice = catalog.practice(acronym, code)
                generic = isinstance(practice, GenericPractice)
                rows.append(
                    Characterization(
                        appraisal=appraisal,
                        sampled_instance=by_key[key],
                        process_area=pa,
                        specific_practice=None if generic else practice,
                        generic_practice=practice if generic else None,
                        value=value,
                    )
                )
        bulk_create_with_history(rows, Characterization)
    # A write past the services: raise the revision as they do, or cached results stay.
    revision.bump(appraisal)


def _version(model, appraisal, **lookup) -> int:
    judgment = model.objects.filter(appraisal=appraisal, **lookup).first()
    return judgment.version if judgment else 0


def judge_practice(appraisal, acronym: str, code: str, value: str, user) -> None:
    catalog = load_catalog(appraisal.variant)
    practice = catalog.practice(acronym, code)
    field = "specific_practice" if code.startswith("SP") else "generic_practice"
    services.practice_judgment_set(
        expected_version=_version(
            PracticeJudgment,
            appraisal,
            process_area=catalog.process_areas[acronym],
            **{field: practice},
        ),
        appraisal=appraisal,
        process_area=catalog.process_areas[acronym],
        practice=catalog.practice(acronym, code),
        value=value,
        rationale="Decided by the team.",
        user=user,
    )


def judge_goal(appraisal, acronym: str, goal: str, rating: str, user) -> None:
    catalog = load_catalog(appraisal.variant)
    goal_obj = catalog.goal(acronym, goal)
    field = "specific_goal" if goal.startswith("SG") else "generic_goal"
    services.goal_judgment_set(
        expected_version=_version(
            GoalJudgment,
            appraisal,
            process_area=catalog.process_areas[acronym],
            **{field: goal_obj},
        ),
        appraisal=appraisal,
        process_area=catalog.process_areas[acronym],
        goal=catalog.goal(acronym, goal),
        rating=rating,
        rationale="Decided by the team.",
        user=user,
    )


def results_of(appraisal: Appraisal) -> dict:
    """The results JSON, checked to be the same from the adapter and from the command."""
    expected = load_appraisal_state(appraisal).results.to_dict()
    out = StringIO()
    call_command("rate_appraisal", str(appraisal.pk), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed == json.loads(json.dumps(expected))
    return printed


def blockers(data: dict) -> list[tuple[str, str]]:
    return [(b["process_area"], b["reason"]) for b in data["blockers"]]


# --- Staged -------------------------------------------------------------------------------------


def test_staged_nothing_rated_is_ml1_with_every_ml2_pa_blocking(org, base_variant):
    appraisal = make_appraisal(org, base_variant, target=2)
    data = results_of(appraisal)
    assert data["maturity_level"] == 1
    assert data["equivalent_maturity_level"] is None
    assert data["next_level"] == 2
    assert blockers(data) == [(acronym, "not_rated") for acronym in sorted(ML2)]
    reqm = data["process_areas"]["REQM"]
    assert reqm == {
        "rating": "not_rated",
        # Rules v2: nothing rated, so no level is certain yet (not CL0).
        "capability_level": None,
        # Staged ML2 requires the SGs and GG2, never GG1 or GG3.
        "goals": {"SG 1": "not_rated", "SG 2": "not_rated", "GG 2": "not_rated"},
        "practices": {code: None for code in reqm["practices"]},
    }
    assert list(reqm["practices"])[:7] == [
        "SP 1.1", "SP 1.2", "SP 1.3", "SP 1.4", "SP 1.5", "SP 2.1", "SP 2.2"
    ]  # fmt: skip
    assert list(reqm["practices"])[7:] == [f"GP 2.{n}" for n in range(1, 11)]
    # Every PA of the variant is listed; those above the target are out of scope.
    assert sorted(data["process_areas"]) == sorted(ML2 + ML3 + ML4_5)
    assert data["process_areas"]["CAM"] == {
        "rating": "out_of_scope",
        "capability_level": None,
        "goals": {},
        "practices": {},
    }


def test_staged_ml2_with_sam_not_applicable(org, base_variant):
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    data = results_of(appraisal)
    assert data["maturity_level"] == 2
    assert data["process_areas"]["SAM"] == {
        "rating": "not_applicable",
        "capability_level": None,
        "goals": {},
        "practices": {},
    }
    for acronym in ML2:
        if acronym != "SAM":
            # GG3 is not required at target ML2, so the capability level stops at 2.
            assert data["process_areas"][acronym]["rating"] == "satisfied"
            assert data["process_areas"][acronym]["capability_level"] == 2
    assert data["pending"] == [] and data["reviews"] == []
    # ML3 would need GG3 of the ML2 PAs (not rated by this target) and the ML3 PAs (out of
    # scope): the ML2 PAs come first.
    assert data["next_level"] == 3
    assert blockers(data)[:7] == [(a, "not_required") for a in sorted(ML2) if a != "SAM"]
    assert {b["process_area"]: b["goals"] for b in data["blockers"]}["REQM"] == ["GG 3"]
    assert blockers(data)[7:] == [(a, "out_of_scope") for a in sorted(ML3)]


def test_staged_ml2_is_blocked_by_a_pa_declared_out_of_scope(org, base_variant):
    appraisal = make_appraisal(org, base_variant, target=2, out_of_scope=("SAM",))
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    data = results_of(appraisal)
    # The same ratings as above, but SAM out of scope instead of not applicable.
    assert data["maturity_level"] == 1
    assert data["process_areas"]["SAM"]["rating"] == "out_of_scope"
    assert data["blockers"] == [
        {
            "process_area": "SAM",
            "maturity_level": 2,
            "reason": "out_of_scope",
            "goals": ["SG 1", "SG 2", "GG 2"],
            "failing_practices": [],
        }
    ]


def test_staged_ml3_reached_on_the_base_model(org, base_variant):
    appraisal = make_appraisal(org, base_variant, target=3, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 + ML3 if a != "SAM"])
    data = results_of(appraisal)
    assert data["maturity_level"] == 3
    assert "OSM" not in data["process_areas"]  # not in the base variant
    assert data["process_areas"]["REQM"]["capability_level"] == 3
    assert list(data["process_areas"]["REQM"]["goals"]) == ["SG 1", "SG 2", "GG 2", "GG 3"]
    # ML4 is above the target: its PAs are out of scope, the ML2-3 PAs lack nothing.
    assert blockers(data) == [("OPP", "out_of_scope"), ("QPM", "out_of_scope")]


def test_staged_ml3_needs_osm_when_the_variant_includes_it(org, catalog):
    appraisal = make_appraisal(
        org, variant(catalog, "cmmi-svc-osm"), target=3, not_applicable=("SAM",)
    )
    rate(appraisal, [a for a in ML2 + ML3 if a != "SAM"])
    data = results_of(appraisal)
    # The same ratings reach ML3 on the base model; here OSM, unrated, keeps ML3 away.
    assert data["maturity_level"] == 2
    assert data["process_areas"]["OSM"]["rating"] == "not_rated"
    assert blockers(data) == [("OSM", "not_rated")]

    rate(appraisal, "OSM")
    assert results_of(appraisal)["maturity_level"] == 3


def test_staged_ml3_is_blocked_by_an_ml3_pa_out_of_scope(org, base_variant):
    appraisal = make_appraisal(
        org, base_variant, target=3, not_applicable=("SAM",), out_of_scope=("DAR",)
    )
    rate(appraisal, [a for a in ML2 + ML3 if a not in ("SAM", "DAR")])
    data = results_of(appraisal)
    assert data["maturity_level"] == 2
    assert data["process_areas"]["DAR"]["capability_level"] is None
    assert data["blockers"] == [
        {
            "process_area": "DAR",
            "maturity_level": 3,
            "reason": "out_of_scope",
            "goals": ["SG 1", "GG 2", "GG 3"],
            "failing_practices": [],
        }
    ]


def test_staged_ny_instances_are_dropped_until_nothing_is_left(org, base_variant):
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    # SP 1.1: desk NY, hosting FI -> drop NY -> FI. SP 1.2: both NY -> NY -> SG 1 not rated.
    rate(appraisal, "REQM", "NY", only=("SP 1.1",), instances=("desk",))
    rate(appraisal, "REQM", "NY", only=("SP 1.2",))
    data = results_of(appraisal)
    reqm = data["process_areas"]["REQM"]
    assert reqm["practices"]["SP 1.1"] == "FI"
    assert reqm["practices"]["SP 1.2"] == "NY"
    assert reqm["goals"]["SG 1"] == "not_rated"
    assert reqm["rating"] == "not_rated" and reqm["capability_level"] is None
    assert data["maturity_level"] == 1
    assert blockers(data) == [("REQM", "not_rated")]

    # One instance rates SP 1.2 FI; the other's NY is dropped.
    rate(appraisal, "REQM", "FI", only=("SP 1.2",), instances=("hosting",))
    data = results_of(appraisal)
    assert data["process_areas"]["REQM"]["practices"]["SP 1.2"] == "FI"
    assert data["maturity_level"] == 2


def test_staged_unrated_instance_leaves_the_practice_unrated(org, base_variant):
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    Characterization.objects.filter(
        appraisal=appraisal,
        process_area__acronym="PP",
        specific_practice__goal__number=1,
        specific_practice__number=1,
        sampled_instance__key="hosting",
    ).delete()
    data = results_of(appraisal)
    assert data["process_areas"]["PP"]["practices"]["SP 1.1"] is None
    assert data["process_areas"]["PP"]["goals"]["SG 1"] == "not_rated"
    assert data["maturity_level"] == 1


def test_staged_li_goal_turned_unsatisfied_by_judgment(org, base_variant, lead):
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    rate(appraisal, "REQM", "LI", only=("SP 1.1",))
    data = results_of(appraisal)
    # All FI or LI -> LI: SG 1 is satisfied, and listed for review.
    assert data["process_areas"]["REQM"]["practices"]["SP 1.1"] == "LI"
    assert data["process_areas"]["REQM"]["goals"]["SG 1"] == "satisfied"
    assert data["reviews"] == [
        {"process_area": "REQM", "goal": "SG 1", "choices": ["satisfied", "unsatisfied"]}
    ]
    assert data["maturity_level"] == 2

    judge_goal(appraisal, "REQM", "SG 1", "unsatisfied", lead)
    data = results_of(appraisal)
    reqm = data["process_areas"]["REQM"]
    assert reqm["goals"]["SG 1"] == "unsatisfied"
    assert reqm["rating"] == "unsatisfied" and reqm["capability_level"] == 0
    assert data["reviews"] == []
    assert data["maturity_level"] == 1
    assert data["blockers"] == [
        {
            "process_area": "REQM",
            "maturity_level": 2,
            "reason": "unsatisfied",
            "goals": ["SG 1"],
            "failing_practices": [],  # LI: the team's judgment turned the goal
        }
    ]

    # Kept satisfied instead: the review is settled and ML2 is back.
    judge_goal(appraisal, "REQM", "SG 1", "satisfied", lead)
    data = results_of(appraisal)
    assert data["reviews"] == [] and data["maturity_level"] == 2


def test_staged_range_stays_pending_until_the_team_decides(org, base_variant, lead):
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    rate(appraisal, "CM", "PI", only=("SP 2.1",), instances=("hosting",))
    data = results_of(appraisal)
    # desk FI, hosting PI: the range {LI, PI}, pending; SG 2 cannot be rated.
    assert data["pending"] == [
        {"process_area": "CM", "practice": "SP 2.1", "choices": ["LI", "PI"]}
    ]
    assert data["process_areas"]["CM"]["practices"]["SP 2.1"] is None
    assert data["process_areas"]["CM"]["goals"]["SG 2"] == "not_rated"
    assert data["maturity_level"] == 1

    judge_practice(appraisal, "CM", "SP 2.1", "LI", lead)
    data = results_of(appraisal)
    assert data["pending"] == []
    assert data["process_areas"]["CM"]["practices"]["SP 2.1"] == "LI"
    # Satisfied with an LI practice: now a goal to review.
    assert data["reviews"] == [
        {"process_area": "CM", "goal": "SG 2", "choices": ["satisfied", "unsatisfied"]}
    ]
    assert data["maturity_level"] == 2

    judge_practice(appraisal, "CM", "SP 2.1", "PI", lead)
    data = results_of(appraisal)
    assert data["process_areas"]["CM"]["goals"]["SG 2"] == "unsatisfied"
    assert data["reviews"] == [] and data["maturity_level"] == 1


def test_staged_judgments_that_do_not_apply_are_ignored(org, base_variant, lead):
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    judge_practice(appraisal, "REQM", "SP 1.1", "PI", lead)  # all FI: not a range
    judge_goal(appraisal, "IRM", "SG 1", "unsatisfied", lead)  # no LI practice: nothing to review
    state = load_appraisal_state(appraisal)
    assert state.results.maturity_level == 2
    assert [
        (j.kind, j.process_area, j.code, j.reason) for j in state.results.invalid_judgments
    ] == [
        ("practice", "REQM", "SP 1.1", "not_a_range"),
        ("goal", "IRM", "SG 1", "not_for_review"),
    ]
    assert results_of(appraisal)["maturity_level"] == 2


def test_staged_practices_the_target_does_not_require_do_not_count(org, base_variant):
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    catalog = load_catalog(base_variant)
    for key in INSTANCES:
        Characterization.objects.create(
            appraisal=appraisal,
            sampled_instance=appraisal.instances.get(key=key),
            process_area=catalog.process_areas["REQM"],
            generic_practice=catalog.practice("REQM", "GP 3.1"),
            value="NI",
        )
    data = results_of(appraisal)
    assert "GP 3.1" not in data["process_areas"]["REQM"]["practices"]
    assert data["maturity_level"] == 2


# --- Continuous ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "spoil", "level", "pa_rating"),
    [
        # An SP partially implemented: SG 1 unsatisfied, so GG1 too -> CL0.
        (3, ("SP 1.1", "PI"), 0, "unsatisfied"),
        # SGs satisfied, a GG2 practice not implemented -> CL1.
        (3, ("GP 2.1", "NI"), 1, "unsatisfied"),
        # SGs and GG2 satisfied, GG3 not rated yet -> the level is not certain (rules v2).
        (3, ("GP 3.1", None), None, "not_rated"),
        (3, None, 3, "satisfied"),
        # Beyond CL3: target 5 requires GG4 and GG5.
        (5, ("GP 5.2", "PI"), 4, "unsatisfied"),
        (5, None, 5, "satisfied"),
    ],
)
def test_continuous_capability_levels(org, base_variant, target, spoil, level, pa_rating):
    appraisal = make_appraisal(org, base_variant, profile={"REQM": target})
    rate(appraisal, "REQM")
    if spoil:
        code, value = spoil
        if value is None:
            Characterization.objects.filter(
                appraisal=appraisal, generic_practice__generic_goal__number=3
            ).delete()
        else:
            # On both instances: FI on one and PI/NI on the other would be a pending range.
            rate(appraisal, "REQM", value, only=(code,))
    data = results_of(appraisal)
    reqm = data["process_areas"]["REQM"]
    assert reqm["capability_level"] == level
    assert reqm["rating"] == pa_rating
    assert list(reqm["goals"]) == ["SG 1", "SG 2"] + [f"GG {n}" for n in range(1, target + 1)]
    assert data["maturity_level"] is None
    # Only REQM is in the profile: every other ML2 PA is out of scope, so no equivalent ML2.
    assert data["equivalent_maturity_level"] == 1
    assert data["process_areas"]["CM"]["rating"] == "out_of_scope"


def test_continuous_capability_level_stops_at_the_target(org, base_variant):
    appraisal = make_appraisal(org, base_variant, profile={"REQM": 2})
    rate(appraisal, "REQM")
    catalog = load_catalog(base_variant)
    for key in INSTANCES:
        for code in ("GP 3.1", "GP 3.2"):
            Characterization.objects.create(
                appraisal=appraisal,
                sampled_instance=appraisal.instances.get(key=key),
                process_area=catalog.process_areas["REQM"],
                generic_practice=catalog.practice("REQM", code),
                value="FI",
            )
    data = results_of(appraisal)
    assert data["process_areas"]["REQM"]["capability_level"] == 2
    assert "GG 3" not in data["process_areas"]["REQM"]["goals"]


def test_continuous_gg1_follows_the_specific_goals(org, base_variant):
    appraisal = make_appraisal(org, base_variant, profile={"REQM": 1})
    rate(appraisal, "REQM", only=("SP 1.1", "SP 1.2", "SP 1.3", "SP 1.4", "SP 1.5"))
    data = results_of(appraisal)
    # SG 1 satisfied, SG 2 unrated: GG1 is not rated (GP 1.1 is never rated on its own).
    assert data["process_areas"]["REQM"]["goals"] == {
        "SG 1": "satisfied",
        "SG 2": "not_rated",
        "GG 1": "not_rated",
    }
    assert "GP 1.1" not in data["process_areas"]["REQM"]["practices"]
    rate(appraisal, "REQM")
    data = results_of(appraisal)
    assert data["process_areas"]["REQM"]["goals"]["GG 1"] == "satisfied"
    assert data["process_areas"]["REQM"]["capability_level"] == 1


def test_equivalent_staging_ml2(org, base_variant):
    ml2 = [a for a in ML2 if a != "SAM"]
    appraisal = make_appraisal(
        org, base_variant, profile={a: 2 for a in ML2}, not_applicable=("SAM",)
    )
    rate(appraisal, ml2)
    data = results_of(appraisal)
    # Every ML2 PA at CL2, SAM excused -> ML2. ML3 needs CL3 of the ML2 PAs (not in the
    # profile's targets) and the ML3 PAs (out of scope).
    assert data["equivalent_maturity_level"] == 2
    assert data["maturity_level"] is None
    assert all(data["process_areas"][a]["capability_level"] == 2 for a in ml2)
    assert blockers(data) == [(a, "not_required") for a in sorted(ml2)] + [
        (a, "out_of_scope") for a in sorted(ML3)
    ]

    # One ML2 PA only at target CL1: CL1, so ML2 is not reached any more.
    item = appraisal.scope_items.get(process_area__acronym="CM")
    services.scope_item_update(
        item=item, applicability=item.applicability, target_capability_level=1
    )
    data = results_of(appraisal)
    assert data["process_areas"]["CM"]["capability_level"] == 1
    assert data["equivalent_maturity_level"] == 1
    assert data["blockers"] == [
        {
            "process_area": "CM",
            "maturity_level": 2,
            "reason": "not_required",
            "goals": ["GG 2"],
            "failing_practices": [],
        }
    ]


def test_equivalent_staging_is_blocked_by_a_pa_left_out_of_the_profile(org, base_variant):
    ml2 = [a for a in ML2 if a not in ("SAM", "PMC")]
    appraisal = make_appraisal(
        org, base_variant, profile={a: 2 for a in ml2 + ["SAM"]}, not_applicable=("SAM",)
    )
    rate(appraisal, ml2)
    data = results_of(appraisal)
    assert data["process_areas"]["PMC"]["rating"] == "out_of_scope"
    assert data["equivalent_maturity_level"] == 1
    assert blockers(data) == [("PMC", "out_of_scope")]


def test_equivalent_staging_ml3_with_and_without_the_optional_osm(org, catalog, base_variant):
    pas = [a for a in ML2 + ML3 if a != "SAM"]
    base = make_appraisal(
        org, base_variant, profile={a: 3 for a in ML2 + ML3}, not_applicable=("SAM",)
    )
    rate(base, pas)
    assert results_of(base)["equivalent_maturity_level"] == 3

    # With OSM in the variant but not in the profile, OSM is out of scope and blocks ML3.
    with_osm = make_appraisal(
        org,
        variant(catalog, "cmmi-svc-osm"),
        profile={a: 3 for a in ML2 + ML3},
        not_applicable=("SAM",),
    )
    rate(with_osm, pas)
    data = results_of(with_osm)
    assert data["process_areas"]["OSM"]["rating"] == "out_of_scope"
    assert data["equivalent_maturity_level"] == 2
    assert blockers(data) == [("OSM", "out_of_scope")]


def test_equivalent_staging_ml5_when_every_pa_reaches_cl3(org, base_variant):
    everything = ML2 + ML3 + ML4_5
    appraisal = make_appraisal(
        org, base_variant, profile={a: 3 for a in everything}, not_applicable=("SAM",)
    )
    rate(appraisal, [a for a in everything if a != "SAM"])
    data = results_of(appraisal)
    assert data["equivalent_maturity_level"] == 5
    assert data["next_level"] is None and data["blockers"] == []

    # An ML4 PA at CL2 (GG3 unsatisfied) drops it to ML3: ML4 needs CL3 of the ML2-4 PAs.
    rate(appraisal, "QPM", "NI", only=("GP 3.2",))
    data = results_of(appraisal)
    assert data["process_areas"]["QPM"]["capability_level"] == 2
    assert data["equivalent_maturity_level"] == 3
    assert data["blockers"] == [
        {
            "process_area": "QPM",
            "maturity_level": 4,
            "reason": "unsatisfied",
            "goals": ["GG 3"],
            "failing_practices": ["GP 3.2"],
        }
    ]


# --- Rules v2 on every shipped constellation ------------------------------------------------------


def test_v2_a_goal_with_an_unrated_practice_is_not_rated_even_next_to_a_pi(org, base_variant):
    """SCAMPI: REQM SG 1 with SP 1.1 PI and SP 1.2 not characterized is not rated (v1 said
    unsatisfied); the blocker still names SP 1.1 as a certain failure, "which bits first"."""
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 if a not in ("SAM", "REQM")])
    rate(appraisal, "REQM", only=("SP 1.3", "SP 1.4", "SP 1.5", "SP 2.1", "SP 2.2"))
    rate(appraisal, "REQM", "PI", only=("SP 1.1",))
    rate(appraisal, "REQM", only=tuple(f"GP 2.{n}" for n in range(1, 11)))
    data = results_of(appraisal)
    reqm = data["process_areas"]["REQM"]
    assert (reqm["goals"]["SG 1"], reqm["rating"], reqm["capability_level"]) == (
        "not_rated",
        "not_rated",
        None,
    )
    assert data["blockers"] == [
        {
            "process_area": "REQM",
            "maturity_level": 2,
            "reason": "not_rated",
            "goals": ["SG 1"],
            "failing_practices": ["SP 1.1"],
        }
    ]
    # Rated at last: SG 1 unsatisfied, a certain CL0.
    rate(appraisal, "REQM", only=("SP 1.2",))
    reqm = results_of(appraisal)["process_areas"]["REQM"]
    assert (reqm["goals"]["SG 1"], reqm["capability_level"]) == ("unsatisfied", 0)


@pytest.fixture
def svc13(db):
    from tests.conftest import load_fixtures

    load_fixtures("cmmi_svc_1_3")
    return ModelVariant.objects.get(constellation__slug="cmmi-svc-1.3", slug="cmmi-svc")


@pytest.fixture
def dev12(db):
    from tests.conftest import load_fixtures

    load_fixtures("cmmi_dev_1_2")
    return ModelVariant.objects.get(constellation__slug="cmmi-dev-1.2", slug="cmmi-dev")


@pytest.mark.parametrize("fixture", ["svc13", "dev12"])
def test_v2_on_the_other_constellations(request, org, fixture):
    """Continuous, REQM at CL3 and CM at CL2: an unrated GG3 leaves REQM's level open, which
    keeps equivalent staging from ML2 (§4.6) although staged ML2 would count REQM."""
    variant_ = request.getfixturevalue(fixture)
    appraisal = make_appraisal(org, variant_, profile={"REQM": 3, "CM": 2})
    rate(appraisal, ["REQM", "CM"])
    Characterization.objects.filter(
        appraisal=appraisal, process_area__acronym="REQM", generic_practice__generic_goal__number=3
    ).delete()
    data = results_of(appraisal)
    assert data["process_areas"]["REQM"]["capability_level"] is None
    assert data["process_areas"]["REQM"]["goals"]["GG 3"] == "not_rated"
    assert data["process_areas"]["CM"]["capability_level"] == 2
    blocker = {b["process_area"]: b for b in data["blockers"]}["REQM"]
    assert (blocker["reason"], blocker["goals"]) == ("not_rated", ["GG 3"])
    assert data["equivalent_maturity_level"] == 1
