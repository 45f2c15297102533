"""The exchange format (DESIGN §6, docs/exchange.md): export, import, their commands."""

from __future__ import annotations

import copy
import datetime
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import exchange, finding_services, services
from assessments.exchange import ExchangeError, export_appraisal, import_appraisal
from assessments.models import Appraisal, Characterization, Instance, Organisation
from evidence import services as evidence_services
from models_catalog.models import GenericPractice, ModelVariant, ProcessArea, SpecificPractice

# DESIGN §6's example, verbatim.
DESIGN_EXAMPLE = """
{
  "format": "cmmisvc.appraisal/1",
  "organisation": "Acme IT Services",
  "appraisal": {
    "name": "2026 self-assessment",
    "constellation": "cmmi-svc-draft-2007",
    "additions": ["OSM", "SCON"],
    "representation": "staged",
    "target_maturity_level": 3,
    "target_profile": {"REQM": 3, "IRM": 2},
    "out_of_scope": ["QPM"],
    "not_applicable": {"SAM": "no suppliers"},
    "status": "rating"
  },
  "instances": [{"key": "desk", "name": "Service desk", "process_areas": ["REQM", "IRM"]}],
  "characterizations": [
    {"instance": "desk", "process_area": "REQM", "practice": "SP 1.1", "value": "FI", "note": "..."}
  ],
  "judgments": {
    "practices": [{"process_area": "REQM", "practice": "SP 1.3", "value": "LI", "rationale": "..."}],
    "goals": [{"process_area": "REQM", "goal": "SG 1", "rating": "unsatisfied", "rationale": "..."}]
  },
  "findings": [{"process_area": "REQM", "practice": "SP 1.1", "kind": "weakness", "text": "..."}]
}
"""  # noqa: E501 (verbatim)


def example() -> dict:
    return json.loads(DESIGN_EXAMPLE)


def row_counts() -> dict[str, int]:
    """Rows of every assessments model, history tables included."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_app_config("assessments").get_models()
    }


def pa(catalog, acronym: str) -> ProcessArea:
    return ProcessArea.objects.get(constellation=catalog, acronym=acronym)


def sp(catalog, acronym: str, goal: int, number: int) -> SpecificPractice:
    return SpecificPractice.objects.get(
        goal__process_area__constellation=catalog,
        goal__process_area__acronym=acronym,
        goal__number=goal,
        number=number,
    )


def gp(catalog, goal: int, number: int) -> GenericPractice:
    return GenericPractice.objects.get(
        generic_goal__constellation=catalog, generic_goal__number=goal, number=number
    )


def rate(appraisal, instance, practice, area, user, **fields) -> Characterization:
    return services.characterization_set(
        appraisal=appraisal,
        instance=instance,
        process_area=area,
        practice=practice,
        expected_version=0,
        user=user,
        **fields,
    )


def build_staged(catalog, org, user) -> Appraisal:
    """A final staged appraisal using every feature the format carries."""
    variant = ModelVariant.objects.get(constellation=catalog, additions=["OSM", "SCON"])
    appraisal = services.appraisal_create(
        organisation=org,
        name="2026 self-assessment",
        variant=variant,
        representation="staged",
        target_maturity_level=3,
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 3, 13),
        team="Lea Lead\nTom Team",
        method="B",
        evidence_model="v1.2",
        coverage_policy="enforced",
        sponsor="Dana Chief, CIO",
        organisational_unit="IT Operations",
        user=user,
    )
    items = {i.process_area.acronym: i for i in appraisal.scope_items.all()}
    services.scope_item_update(item=items["QPM"], applicability="out_of_scope")
    services.scope_item_update(
        item=items["SAM"], applicability="not_applicable", justification="No suppliers."
    )
    reqm, irm, cm, sam = (pa(catalog, a) for a in ("REQM", "IRM", "CM", "SAM"))
    desk = services.instance_save(
        appraisal=appraisal,
        key="desk",
        name="Service desk",
        kind="service",
        process_areas=[reqm, irm, sam],
    )
    ops = services.instance_save(
        appraisal=appraisal, key="ops", name="Operations", kind="team", process_areas=[reqm, cm]
    )
    rate(appraisal, desk, sp(catalog, "REQM", 1, 1), reqm, user, value="FI", note="Agreed SLAs.")
    rate(appraisal, desk, gp(catalog, 2, 1), reqm, user, value="LI")
    for kind, title, pii in (
        ("artifact", "policy.pdf", "direct"),
        ("artifact", "sla.xlsx", ""),
        ("affirmation", "Interview with the desk lead", ""),
    ):
        item, _ = evidence_services.item_for_title(
            organisation=org, kind=kind, title=title, user=user
        )
        evidence_services.link_add(
            appraisal=appraisal,
            item=item,
            instance=desk,
            process_area=reqm,
            practice=gp(catalog, 2, 1),
            pii=pii,
            user=user,
        )
    rate(appraisal, ops, sp(catalog, "REQM", 1, 1), reqm, user, value="PI")
    rate(appraisal, desk, sp(catalog, "IRM", 1, 1), irm, user, note="To be looked at — später.")
    rate(appraisal, ops, sp(catalog, "CM", 1, 1), cm, user, value="NY")
    services.practice_judgment_set(
        expected_version=0,
        appraisal=appraisal,
        process_area=reqm,
        practice=sp(catalog, "REQM", 1, 1),
        value="LI",
        rationale="Ops is catching up.",
        user=user,
    )
    services.goal_judgment_set(
        expected_version=0,
        appraisal=appraisal,
        process_area=reqm,
        goal=reqm.goals.get(number=1),
        rating="unsatisfied",
        rationale="Too many gaps.",
        user=user,
    )
    strength = services.finding_create(
        appraisal=appraisal,
        process_area=reqm,
        goal=reqm.goals.get(number=2),
        instance=desk,
        kind="strength",
        text="Clear SLAs.",
        user=user,
    )
    weakness = services.finding_create(
        appraisal=appraisal,
        process_area=reqm,
        practice=sp(catalog, "REQM", 1, 1),
        kind="weakness",
        text="Ops has no requirements baseline.",
        user=user,
    )
    finding_services.finding_validate(finding=strength, validation="accepted", user=user)
    finding_services.finding_validate(
        finding=weakness, validation="rejected", note="Ops keeps one in the wiki.", user=user
    )
    for status in ("rating", "review", "final"):
        services.appraisal_set_status(appraisal=appraisal, status=status, user=user)
    return appraisal


def build_continuous(catalog, org, user) -> Appraisal:
    variant = ModelVariant.objects.get(constellation=catalog, additions=[])
    appraisal = services.appraisal_create(
        organisation=org,
        name="Capability profile",
        variant=variant,
        representation="continuous",
        target_profile={"REQM": 3, "IRM": 2, "CM": 1, "SAM": 2},
        status="rating",
        user=user,
    )
    items = {i.process_area.acronym: i for i in appraisal.scope_items.all()}
    services.scope_item_update(
        item=items["SAM"],
        applicability="not_applicable",
        justification="We buy nothing.",
        target_capability_level=2,
    )
    services.scope_item_update(
        item=items["CM"], applicability="out_of_scope", target_capability_level=1
    )
    reqm, irm = pa(catalog, "REQM"), pa(catalog, "IRM")
    line = services.instance_save(
        appraisal=appraisal, key="line-2", name="Second line", kind="project", process_areas=[reqm]
    )
    desk = services.instance_save(
        appraisal=appraisal, key="desk", name="Desk", kind="service", process_areas=[reqm, irm]
    )
    rate(appraisal, line, gp(catalog, 3, 1), reqm, user, value="NI", note="No defined process.")
    rate(appraisal, desk, sp(catalog, "REQM", 2, 1), reqm, user, value="FI")
    rate(appraisal, desk, sp(catalog, "REQM", 1, 5), reqm, user, value="LI")
    rate(appraisal, desk, gp(catalog, 2, 10), irm, user, value="FI")
    rate(appraisal, desk, gp(catalog, 2, 2), irm, user, value="PI")
    services.finding_create(
        appraisal=appraisal,
        process_area=irm,
        practice=gp(catalog, 2, 2),
        kind="weakness",
        text="No plan.",
        user=user,
    )
    return appraisal


BUILDERS = {"staged": build_staged, "continuous": build_continuous}


# --- Export -------------------------------------------------------------------------------------


def test_export_writes_section_6_with_sorted_lists(catalog, org, lead):
    data = export_appraisal(build_staged(catalog, org, lead))

    assert list(data) == [
        "format",
        "organisation",
        "appraisal",
        "instances",
        "characterizations",
        "judgments",
        "findings",
        "evidence",
    ]
    assert data["format"] == "cmmisvc.appraisal/1"
    assert data["organisation"] == "Acme IT Services"
    assert data["appraisal"] == {
        "name": "2026 self-assessment",
        "constellation": "cmmi-svc-draft-2007",
        "additions": ["OSM", "SCON"],
        "representation": "staged",
        "target_maturity_level": 3,
        "target_profile": {},
        "out_of_scope": ["QPM"],
        "not_applicable": {"SAM": "No suppliers."},
        "status": "final",
        "method": "B",
        "evidence_model": "v1.2",
        "coverage": "enforced",
        "start_date": "2026-03-02",
        "end_date": "2026-03-13",
        "team": "Lea Lead\nTom Team",
        "sponsor": "Dana Chief, CIO",
        "organisational_unit": "IT Operations",
    }
    assert data["instances"] == [
        {"key": "desk", "name": "Service desk", "process_areas": ["IRM", "REQM", "SAM"]},
        {"key": "ops", "name": "Operations", "kind": "team", "process_areas": ["CM", "REQM"]},
    ]
    assert data["characterizations"] == [
        {
            "instance": "desk",
            "process_area": "IRM",
            "practice": "SP 1.1",
            "value": None,
            "note": "To be looked at — später.",
        },
        {
            "instance": "desk",
            "process_area": "REQM",
            "practice": "SP 1.1",
            "value": "FI",
            "note": "Agreed SLAs.",
        },
        {
            "instance": "desk",
            "process_area": "REQM",
            "practice": "GP 2.1",
            "value": "LI",
            "note": "",
        },
        {"instance": "ops", "process_area": "CM", "practice": "SP 1.1", "value": "NY", "note": ""},
        {
            "instance": "ops",
            "process_area": "REQM",
            "practice": "SP 1.1",
            "value": "PI",
            "note": "",
        },
    ]
    assert data["judgments"] == {
        "practices": [
            {
                "process_area": "REQM",
                "practice": "SP 1.1",
                "value": "LI",
                "rationale": "Ops is catching up.",
            }
        ],
        "goals": [
            {
                "process_area": "REQM",
                "goal": "SG 1",
                "rating": "unsatisfied",
                "rationale": "Too many gaps.",
            }
        ],
    }
    assert data["findings"] == [
        {
            "process_area": "REQM",
            "goal": "SG 2",
            "instance": "desk",
            "kind": "strength",
            "text": "Clear SLAs.",
            "validation": "accepted",
        },
        {
            "process_area": "REQM",
            "practice": "SP 1.1",
            "kind": "weakness",
            "text": "Ops has no requirements baseline.",
            "validation": "rejected",
            "validation_note": "Ops keeps one in the wiki.",
        },
    ]
    desk_gp21 = {"instance": "desk", "process_area": "REQM", "practice": "GP 2.1"}
    assert data["evidence"] == [
        {
            "key": "e1",
            "kind": "affirmation",
            "title": "Interview with the desk lead",
            "links": [desk_gp21],
        },
        {
            "key": "e2",
            "kind": "artifact",
            "title": "policy.pdf",
            "links": [{**desk_gp21, "pii": "direct"}],
        },
        {"key": "e3", "kind": "artifact", "title": "sla.xlsx", "links": [desk_gp21]},
    ]


def test_export_of_continuous_has_profile_and_no_maturity_level(catalog, org, lead):
    header = export_appraisal(build_continuous(catalog, org, lead))["appraisal"]

    assert header["target_maturity_level"] is None
    assert list(header["target_profile"].items()) == [
        ("CM", 1),
        ("IRM", 2),
        ("REQM", 3),
        ("SAM", 2),
    ]
    assert header["out_of_scope"] == ["CM"]
    assert header["not_applicable"] == {"SAM": "We buy nothing."}


def test_export_sorts_practices_by_number_not_text(catalog, org, lead):
    data = export_appraisal(build_continuous(catalog, org, lead))

    desk_irm = [
        c["practice"]
        for c in data["characterizations"]
        if c["instance"] == "desk" and c["process_area"] == "IRM"
    ]
    assert desk_irm == ["GP 2.2", "GP 2.10"]


def test_export_leaves_out_empty_cells(catalog, org, lead):
    appraisal = build_continuous(catalog, org, lead)
    desk = appraisal.instances.get(key="desk")
    Characterization.objects.create(
        appraisal=appraisal,
        sampled_instance=desk,
        process_area=pa(catalog, "REQM"),
        specific_practice=sp(catalog, "REQM", 1, 1),
    )

    cells = {
        (c["instance"], c["process_area"], c["practice"])
        for c in export_appraisal(appraisal)["characterizations"]
    }
    assert ("desk", "REQM", "SP 1.1") not in cells


@pytest.mark.parametrize("instances", [1, 5])
def test_export_runs_a_fixed_number_of_queries(
    catalog, org, lead, instances, django_assert_max_num_queries
):
    appraisal = build_staged(catalog, org, lead)
    appraisal.status = "rating"
    appraisal.save()
    areas = [pa(catalog, a) for a in ("REQM", "PP", "CM")]
    for n in range(instances):
        instance = services.instance_save(
            appraisal=appraisal, key=f"i{n}", name=f"I {n}", kind="service", process_areas=areas
        )
        for area in areas:
            practices = [*area.goals.get(number=1).practices.all()[:3], gp(catalog, 2, 1)]
            for practice in practices:
                rate(appraisal, instance, practice, area, lead, value="FI", note="n")

    with django_assert_max_num_queries(9):
        data = export_appraisal(appraisal)
    assert len(data["instances"]) == instances + 2


def test_dumps_is_utf8_indented_json(catalog, org, lead):
    text = exchange.dumps(export_appraisal(build_staged(catalog, org, lead)))

    assert "später" in text
    assert text.startswith('{\n  "format": "cmmisvc.appraisal/1",')
    assert text.endswith("}\n")


# --- Round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("representation", BUILDERS)
def test_round_trip_is_lossless(catalog, org, other_org, lead, outsider, representation):
    original = BUILDERS[representation](catalog, org, lead)
    first = export_appraisal(original)

    copy_ = import_appraisal(copy.deepcopy(first), organisation=other_org, user=outsider)
    second = export_appraisal(copy_)

    assert copy_.organisation == other_org
    assert copy_.code != original.code
    assert second["organisation"] == "Globex Hosting"
    assert {**second, "organisation": first["organisation"]} == first


def test_import_records_history_with_the_importing_user(catalog, org, other_org, lead, outsider):
    data = export_appraisal(build_staged(catalog, org, lead))

    appraisal = import_appraisal(data, organisation=other_org, user=outsider)

    assert appraisal.status == "final"
    cells = appraisal.characterizations.all()
    assert {c.updated_by for c in cells} == {outsider}
    assert {c.version for c in cells} == {1}
    history = Characterization.history.filter(appraisal_id=appraisal.pk)
    assert history.count() == cells.count()
    assert {h.history_user for h in history} == {outsider}
    assert {h.history_user for h in Instance.history.filter(appraisal_id=appraisal.pk)} == {
        outsider
    }
    assert appraisal.findings.filter(author=outsider).count() == 2
    assert appraisal.practice_judgments.get().decided_by == outsider


# --- Import -------------------------------------------------------------------------------------


def test_import_of_the_design_example(catalog, org):
    appraisal = import_appraisal(example())

    assert appraisal.organisation == org
    assert appraisal.name == "2026 self-assessment"
    assert appraisal.variant.name == "CMMI-SVC+OSM+SCON"
    assert appraisal.representation == "staged"
    assert appraisal.target_maturity_level == 3
    assert appraisal.status == "rating"
    declared = {
        i.process_area.acronym: (i.applicability, i.justification)
        for i in appraisal.scope_items.exclude(applicability="applicable")
    }
    assert declared == {"QPM": ("out_of_scope", ""), "SAM": ("not_applicable", "no suppliers")}
    # A staged appraisal keeps no capability targets: the example's profile is checked, not kept.
    assert not appraisal.scope_items.filter(target_capability_level__isnull=False).exists()
    desk = appraisal.instances.get()
    assert (desk.key, desk.name, desk.kind) == ("desk", "Service desk", "service")
    assert sorted(desk.process_areas.values_list("acronym", flat=True)) == ["IRM", "REQM"]
    cell = appraisal.characterizations.get()
    assert (cell.practice_code, cell.value, cell.note) == ("SP 1.1", "FI", "...")
    assert appraisal.practice_judgments.get().practice_code == "SP 1.3"
    assert appraisal.goal_judgments.get().goal_code == "SG 1"
    finding = appraisal.findings.get()
    assert (finding.practice_code, finding.kind) == ("SP 1.1", "weakness")


def test_import_without_organisation_creates_the_named_one(catalog):
    data = example()
    data["organisation"] = "Initech Services"

    appraisal = import_appraisal(data)

    assert appraisal.organisation.name == "Initech Services"
    assert appraisal.organisation.slug == "initech-services"


def test_instances_cover_the_pas_in_scope_by_default(catalog, org):
    data = example()
    del data["instances"][0]["process_areas"]

    desk = import_appraisal(data, organisation=org).instances.get()

    # Staged ML3 of CMMI-SVC+OSM+SCON, minus QPM (ML4 anyway) and SAM (not applicable).
    expected = set(
        ProcessArea.objects.filter(
            constellation=catalog, maturity_level__number__in=[2, 3]
        ).values_list("acronym", flat=True)
    ) - {"SSD", "SAM"}
    assert set(desk.process_areas.values_list("acronym", flat=True)) == expected


def test_continuous_instances_cover_the_profile_by_default(catalog, org):
    data = example()
    data["appraisal"].update(representation="continuous", target_maturity_level=None)
    del data["instances"][0]["process_areas"]

    appraisal = import_appraisal(data, organisation=org)

    assert appraisal.target_maturity_level is None
    targets = dict(
        appraisal.scope_items.filter(target_capability_level__isnull=False).values_list(
            "process_area__acronym", "target_capability_level"
        )
    )
    assert targets == {"REQM": 3, "IRM": 2}
    desk = appraisal.instances.get()
    assert set(desk.process_areas.values_list("acronym", flat=True)) == {"REQM", "IRM"}


def test_import_accepts_a_minimal_document(catalog, org):
    data = {
        "format": "cmmisvc.appraisal/1",
        "appraisal": {
            "name": "Minimal",
            "constellation": "cmmi-svc-draft-2007",
            "representation": "staged",
            "target_maturity_level": 2,
        },
    }

    appraisal = import_appraisal(data, organisation=org)

    assert appraisal.variant.additions == []
    assert appraisal.status == "planning"
    assert not appraisal.instances.exists()
    # DESIGN §6: a missing method, evidence model or coverage policy means A / v1.3 / advisory.
    assert (appraisal.method, appraisal.evidence_model, appraisal.coverage_policy) == (
        "A",
        "v1.3",
        "advisory",
    )
    assert (appraisal.sponsor, appraisal.organisational_unit) == ("", "")


def test_cells_without_value_or_text_are_accepted_and_not_stored(catalog, org):
    data = example()
    data["characterizations"].append(
        {"instance": "desk", "process_area": "IRM", "practice": "SP 1.1", "value": None}
    )

    appraisal = import_appraisal(data, organisation=org)

    assert appraisal.characterizations.count() == 1


def test_import_queries_do_not_grow_with_the_characterizations(catalog, org):
    def queries_for(cells: int) -> int:
        data = example()
        data["appraisal"]["name"] = f"{cells} cells"
        area = ProcessArea.objects.get(constellation=catalog, acronym="REQM")
        codes = [p.code for g in area.goals.all() for p in g.practices.all()]
        codes += [f"GP 2.{n}" for n in range(1, 11)]
        data["characterizations"] = [
            {"instance": "desk", "process_area": "REQM", "practice": code, "value": "LI"}
            for code in codes[:cells]
        ]
        with CaptureQueriesContext(connection) as queries:
            import_appraisal(data, organisation=org)
        return len(queries)

    queries_for(1)  # warm the caches
    assert queries_for(2) == queries_for(17)


# Malformed variants of DESIGN §6's example: (id, change, the message it must produce).
MALFORMED = [
    (
        "format",
        lambda d: d.update(format="cmmisvc.appraisal/2"),
        "format: expected 'cmmisvc.appraisal/1', got the string 'cmmisvc.appraisal/2'",
    ),
    (
        "unknown-top-level-key",
        lambda d: d.update(comment="hello"),
        "document: unknown key 'comment'",
    ),
    (
        "unknown-nested-key",
        lambda d: d["judgments"]["goals"][0].update(note="x"),
        "judgments.goals[0]: unknown key 'note'",
    ),
    (
        "missing-key",
        lambda d: d["instances"][0].pop("name"),
        "instances[0]: missing key 'name'",
    ),
    (
        "constellation",
        lambda d: d["appraisal"].update(constellation="cmmi-svc-9"),
        "appraisal.constellation: unknown constellation 'cmmi-svc-9'",
    ),
    (
        "additions",
        lambda d: d["appraisal"].update(additions=["XYZ"]),
        "appraisal.additions: no variant of cmmi-svc-draft-2007 has additions ['XYZ']",
    ),
    (
        "wrong-type",
        lambda d: d["appraisal"].update(target_maturity_level="3"),
        "appraisal.target_maturity_level: expected an integer, got the string '3'",
    ),
    (
        "level-range",
        lambda d: d["appraisal"].update(target_maturity_level=6),
        "appraisal.target_maturity_level: must be between 2 and 5, got 6",
    ),
    (
        "status",
        lambda d: d["appraisal"].update(status="done"),
        "appraisal.status: 'done' is not one of planning, rating, review, final",
    ),
    (
        "duplicate-instance",
        lambda d: d["instances"].append({"key": "desk", "name": "Desk again"}),
        "instances[1]: duplicate key 'desk'",
    ),
    (
        "undefined-instance",
        lambda d: d["characterizations"].extend(
            {"instance": k, "process_area": "REQM", "practice": p, "value": "FI"}
            for k, p in [("desk", "SP 1.2"), ("desk", "SP 1.3"), ("dsk", "SP 1.4")]
        ),
        "characterizations[3]: instance 'dsk' is not defined",
    ),
    (
        "practice",
        lambda d: d["characterizations"][0].update(practice="SP 9.9"),
        "characterizations[0].practice: 'SP 9.9' is not a practice of REQM",
    ),
    (
        "pa-not-in-variant",
        lambda d: d["characterizations"][0].update(process_area="SSD"),
        "characterizations[0].process_area: 'SSD' is not a process area of CMMI-SVC+OSM+SCON",
    ),
    (
        "not-covered",
        lambda d: d["characterizations"][0].update(process_area="CM"),
        "characterizations[0]: instance 'desk' does not cover CM",
    ),
    (
        "value",
        lambda d: d["characterizations"][0].update(value="XX"),
        "characterizations[0].value: 'XX' is not one of FI, LI, PI, NI, NY",
    ),
    (
        "duplicate-cell",
        lambda d: d["characterizations"].append(dict(d["characterizations"][0])),
        "characterizations[1]: duplicate of characterizations[0] (desk REQM SP 1.1)",
    ),
    (
        "goal",
        lambda d: d["judgments"]["goals"][0].update(goal="SG 9"),
        "judgments.goals[0].goal: 'SG 9' is not a goal of REQM",
    ),
    (
        "judgment-value",
        lambda d: d["judgments"]["practices"][0].update(value="FI"),
        "judgments.practices[0].value: 'FI' is not one of LI, PI",
    ),
    (
        "blank-rationale",
        lambda d: d["judgments"]["practices"][0].update(rationale="  "),
        "judgments.practices[0].rationale: must not be blank",
    ),
    (
        "finding-kind",
        lambda d: d["findings"][0].update(kind="remark"),
        "findings[0].kind: 'remark' is not one of strength, weakness",
    ),
    (
        "finding-goal-not-rated",
        lambda d: d["findings"][0].update(goal="GG 4"),
        "findings[0].goal: GG 4 is not a goal that this appraisal rates for REQM.",
    ),
    (
        "finding-practice-not-in-goal",
        lambda d: d["findings"][0].update(goal="SG 2"),
        "findings[0].practice: SP 1.1 is not a practice of REQM SG 2.",
    ),
    (
        "finding-instance-undefined",
        lambda d: d["findings"][0].update(instance="noc"),
        "findings[0].instance: instance 'noc' is not defined",
    ),
    (
        "finding-instance-not-covering",
        lambda d: d["findings"][0].update(process_area="CM", instance="desk"),
        "findings[0].instance: instance 'desk' does not cover CM",
    ),
    (
        "finding-rejected-without-reason",
        lambda d: d["findings"][0].update(validation="rejected"),
        "findings[0].validation_note: Say why the participants rejected the finding.",
    ),
    (
        "finding-validation",
        lambda d: d["findings"][0].update(validation="maybe"),
        "findings[0].validation: 'maybe' is not one of accepted, revised, rejected",
    ),
    (
        "na-justification",
        lambda d: d["appraisal"]["not_applicable"].update(SAM=""),
        "appraisal.not_applicable.SAM: must not be blank",
    ),
    (
        "na-and-oos",
        lambda d: d["appraisal"]["out_of_scope"].append("SAM"),
        "appraisal.not_applicable.SAM: SAM is also listed in appraisal.out_of_scope",
    ),
    (
        "instances-not-a-list",
        lambda d: d.update(instances={"desk": "Service desk"}),
        "instances: expected a list, got an object",
    ),
    (
        "bad-date",
        lambda d: d["appraisal"].update(start_date="2026-13-01"),
        "appraisal.start_date: '2026-13-01' is not a date (YYYY-MM-DD)",
    ),
    (
        "missing-appraisal",
        lambda d: d.pop("appraisal"),
        "document: missing key 'appraisal'",
    ),
    (
        "representation",
        lambda d: d["appraisal"].update(representation="mixed"),
        "appraisal.representation: 'mixed' is not one of staged, continuous",
    ),
    (
        "profile-pa",
        lambda d: d["appraisal"]["target_profile"].update(XYZ=2),
        "appraisal.target_profile.XYZ: 'XYZ' is not a process area of CMMI-SVC+OSM+SCON",
    ),
    (
        "oos-twice",
        lambda d: d["appraisal"]["out_of_scope"].append("QPM"),
        "appraisal.out_of_scope[1]: 'QPM' is listed more than once",
    ),
    (
        "instance-key",
        lambda d: d["instances"][0].update(key="service desk"),
        "instances[0].key: 'service desk' is not a valid key",
    ),
    (
        "instance-kind",
        lambda d: d["instances"][0].update(kind="robot"),
        "instances[0].kind: 'robot' is not one of service, project, team",
    ),
    (
        "duplicate-goal-judgment",
        lambda d: d["judgments"]["goals"].append(dict(d["judgments"]["goals"][0])),
        "judgments.goals[1]: duplicate of judgments.goals[0] (REQM SG 1)",
    ),
    (
        "note-type",
        lambda d: d["characterizations"][0].update(note=["a", "b"]),
        "characterizations[0].note: expected a string, got a list",
    ),
    (
        "bad-method",
        lambda d: d["appraisal"].update(method="D"),
        "appraisal.method: 'D' is not one of A, B, C",
    ),
    (
        "bad-coverage",
        lambda d: d["appraisal"].update(coverage="strict"),
        "appraisal.coverage: 'strict' is not one of off, advisory, enforced",
    ),
    (
        "bad-evidence-model",
        lambda d: d["appraisal"].update(evidence_model=1.3),
        "appraisal.evidence_model: expected a string, got the number 1.3",
    ),
    (
        "sponsor-too-long",
        lambda d: d["appraisal"].update(sponsor="x" * 201),
        "appraisal.sponsor:",
    ),
    (
        "continuous-without-profile",
        lambda d: d["appraisal"].update(representation="continuous", target_profile={}),
        "appraisal.target_profile: a continuous appraisal needs a target capability level",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [pytest.param(change, message, id=name) for name, change, message in MALFORMED],
)
def test_malformed_documents_are_rejected_and_change_nothing(catalog, org, change, message):
    data = example()
    change(data)
    before = row_counts()

    with pytest.raises(ExchangeError) as raised:
        import_appraisal(data, organisation=org)

    assert any(m.startswith(message) for m in raised.value.messages), raised.value.messages
    assert row_counts() == before


def test_every_problem_is_reported_at_once(catalog, org):
    data = example()
    data["characterizations"][0].update(practice="SP 9.9", value="XX")
    data["findings"][0]["kind"] = "remark"
    data["extra"] = 1

    with pytest.raises(ExchangeError) as raised:
        import_appraisal(data, organisation=org)

    assert raised.value.messages == [
        "document: unknown key 'extra'",
        "characterizations[0].practice: 'SP 9.9' is not a practice of REQM",
        "characterizations[0].value: 'XX' is not one of FI, LI, PI, NI, NY",
        "findings[0].kind: 'remark' is not one of strength, weakness",
    ]


def test_a_name_already_used_in_the_organisation_is_rejected(catalog, org):
    import_appraisal(example(), organisation=org)
    before = row_counts()

    with pytest.raises(ExchangeError) as raised:
        import_appraisal(example(), organisation=org)

    assert raised.value.messages == [
        "appraisal.name: an appraisal named '2026 self-assessment' already exists in "
        "Acme IT Services"
    ]
    assert row_counts() == before


def test_an_organisation_is_needed(catalog):
    data = example()
    del data["organisation"]

    with pytest.raises(ExchangeError) as raised:
        import_appraisal(data)

    assert raised.value.messages[0].startswith("organisation: missing")


def test_a_failure_while_writing_leaves_nothing_behind(catalog, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exchange.writer, "bulk_create_with_history", fail)
    data = example()
    data["organisation"] = "Brand new organisation"
    before = row_counts()

    with pytest.raises(RuntimeError):
        import_appraisal(data)

    assert row_counts() == before
    assert not Organisation.objects.filter(name="Brand new organisation").exists()


def test_load_exchange_file_reports_bad_json_with_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "format": "cmmisvc.appraisal/1",\n  "appraisal": }\n', encoding="utf-8")

    with pytest.raises(ExchangeError) as raised:
        exchange.load_exchange_file(path)

    assert raised.value.messages == ["document: not valid JSON: line 3, column 16: Expecting value"]


def test_load_exchange_file_reports_repeated_keys(catalog, org):
    text = DESIGN_EXAMPLE.replace('"value": "FI",', '"value": "FI", "value": "NI",')

    data = exchange.load_exchange_file(StringIO(text))
    with pytest.raises(ExchangeError) as raised:
        import_appraisal(data, organisation=org)

    assert raised.value.messages == ["characterizations[0]: the key 'value' appears more than once"]


def test_load_exchange_file_wants_an_object(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[]", encoding="utf-8")

    with pytest.raises(ExchangeError) as raised:
        exchange.load_exchange_file(str(path))

    assert raised.value.messages == ["document: expected an object, got a list"]


# --- Commands -----------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["pk", "code"])
def test_export_command_prints_the_document(catalog, org, lead, by):
    appraisal = build_staged(catalog, org, lead)
    out = StringIO()

    call_command("export_appraisal", str(getattr(appraisal, by)), stdout=out)

    assert json.loads(out.getvalue()) == export_appraisal(appraisal)
    assert out.getvalue() == exchange.dumps(export_appraisal(appraisal))


def test_export_command_writes_a_file(catalog, org, lead, tmp_path):
    appraisal = build_continuous(catalog, org, lead)
    target = tmp_path / "out.json"

    call_command("export_appraisal", str(appraisal.code), "-o", str(target))

    assert json.loads(target.read_text(encoding="utf-8")) == export_appraisal(appraisal)


@pytest.mark.parametrize(
    "identifier", ["999", "not-a-uuid", "5c0a3f6e-0000-4000-8000-000000000000"]
)
def test_export_command_rejects_unknown_appraisals(db, identifier):
    with pytest.raises(CommandError, match="No appraisal has the id or code"):
        call_command("export_appraisal", identifier)


def test_import_command_imports_into_the_named_organisation(
    catalog, org, other_org, lead, tmp_path
):
    path = tmp_path / "appraisal.json"
    path.write_text(DESIGN_EXAMPLE, encoding="utf-8")
    out = StringIO()

    call_command(
        "import_appraisal", str(path), "--organisation", "globex", "--user", "lea", stdout=out
    )

    appraisal = Appraisal.objects.get(organisation=other_org)
    assert out.getvalue() == (
        f"Imported 2026 self-assessment ({appraisal.code}) into Globex Hosting: "
        "1 instances, 1 characterizations\n"
    )
    assert appraisal.characterizations.get().updated_by == lead


def test_import_command_creates_the_organisation_of_the_file(catalog, tmp_path):
    data = example()
    data["organisation"] = "Umbrella Ops"
    path = tmp_path / "appraisal.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    call_command("import_appraisal", str(path), stdout=StringIO())

    organisation = Organisation.objects.get(slug="umbrella-ops")
    assert organisation.appraisals.get().name == "2026 self-assessment"


def test_import_command_round_trips_an_export(catalog, org, other_org, lead, tmp_path):
    appraisal = build_staged(catalog, org, lead)
    path = tmp_path / "out.json"
    call_command("export_appraisal", str(appraisal.pk), "-o", str(path))

    call_command("import_appraisal", str(path), "--organisation", "globex", stdout=StringIO())

    imported = Appraisal.objects.get(organisation=other_org)
    assert export_appraisal(imported) | {"organisation": "Acme IT Services"} == export_appraisal(
        appraisal
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"format": "cmmisvc.appraisal/1",\n "appraisal": {,}}',
            "document: not valid JSON: line 2, column 16: Expecting property name",
        ),
        ("", "document: not valid JSON: line 1, column 1: Expecting value"),
        (
            DESIGN_EXAMPLE.replace('"instance": "desk"', '"instance": "dsk"'),
            "characterizations[0]: instance 'dsk' is not defined",
        ),
    ],
    ids=["bad-json", "empty", "undefined-instance"],
)
def test_import_command_lists_every_problem_and_changes_nothing(
    catalog, org, tmp_path, text, message
):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    before = row_counts()

    with pytest.raises(CommandError) as raised:
        call_command("import_appraisal", str(path), "--organisation", "acme")

    assert str(raised.value).startswith(f"Nothing was imported: 1 problem in {path}:")
    assert f"\n  {message}" in str(raised.value)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation", "nowhere"], "No organisation has the slug 'nowhere'."),
        (["--user", "nobody"], "No user is called 'nobody'."),
    ],
)
def test_import_command_rejects_unknown_options(catalog, org, tmp_path, args, message):
    path = tmp_path / "appraisal.json"
    path.write_text(DESIGN_EXAMPLE, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        call_command("import_appraisal", str(path), *args)
    assert not Appraisal.objects.exists()


def test_import_command_reports_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_appraisal", str(tmp_path / "missing.json"))


def test_scope_items_of_an_import_match_the_file(catalog, org):
    appraisal = import_appraisal(example(), organisation=org)

    assert appraisal.scope_items.count() == 24  # 22 core PAs + OSM + SCON


def test_an_end_before_the_start_is_refused_in_words_not_by_a_constraint_name(catalog, org):
    data = example()
    data["appraisal"]["start_date"] = "2026-10-05"
    data["appraisal"]["end_date"] = "2026-10-01"
    before = row_counts()

    with pytest.raises(ExchangeError) as raised:
        import_appraisal(data, organisation=org)

    text = " ".join(raised.value.messages)
    assert services.DATE_ORDER in text
    assert "assessments_" not in text
    assert row_counts() == before
