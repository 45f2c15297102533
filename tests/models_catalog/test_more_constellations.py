"""The CMMI-DEV v1.2 and CMMI-SVC v1.3 fixtures: contents, variants, reloads, coexistence.

See docs/constellations.md for what each fixture holds and why.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from models_catalog.models import (
    CapabilityLevel,
    Category,
    Constellation,
    GenericGoal,
    GenericPractice,
    ItsmProcess,
    MaturityLevel,
    ModelVariant,
    ProcessArea,
    SpecificGoal,
    SpecificPractice,
)

DEV = "cmmi-dev-1.2"
SVC = "cmmi-svc-1.3"
DRAFT_FIXTURE = "cmmi_svc_draft_2007"
FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"

CATALOG_MODELS = [
    Constellation,
    MaturityLevel,
    CapabilityLevel,
    Category,
    ProcessArea,
    SpecificGoal,
    SpecificPractice,
    GenericGoal,
    GenericPractice,
    ModelVariant,
    ItsmProcess,
]


def fixture_path(name: str) -> Path:
    return FIXTURES_DIR / f"{name}.json"


def load(*names: str) -> None:
    """loaddata by name when FIXTURE_DIRS points at fixtures/, else by absolute path."""
    dirs = {Path(d).resolve() for d in getattr(settings, "FIXTURE_DIRS", [])}
    by_name = FIXTURES_DIR.resolve() in dirs
    labels = [name if by_name else str(fixture_path(name)) for name in names]
    call_command("loaddata", *labels, verbosity=0)


def rows_in_file(name: str) -> Counter:
    data = json.loads(fixture_path(name).read_text(encoding="utf-8"))
    return Counter(entry["model"] for entry in data)


def snapshot() -> dict[str, dict[tuple, int]]:
    """Every catalog row's natural key mapped to its pk, per model."""
    return {
        model._meta.label_lower: {obj.natural_key(): obj.pk for obj in model.objects.all()}
        for model in CATALOG_MODELS
    }


def pa(slug: str, acronym: str) -> ProcessArea:
    return ProcessArea.objects.get_by_natural_key(slug, acronym)


# --- the files themselves -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cmmi_dev_1_2", "cmmi_svc_1_3"])
def test_fixture_uses_natural_keys_only(name):
    data = json.loads(fixture_path(name).read_text(encoding="utf-8"))
    assert all("pk" not in entry for entry in data)
    for entry in data:
        model = apps.get_model(entry["model"])
        for field in model._meta.concrete_fields:
            if field.is_relation and field.name in entry["fields"]:
                assert isinstance(entry["fields"][field.name], list), (entry, field.name)


@pytest.mark.parametrize("name", ["cmmi_dev_1_2", "cmmi_svc_1_3"])
def test_fixture_lists_parents_before_children(name):
    order = [m._meta.label_lower for m in CATALOG_MODELS]
    data = json.loads(fixture_path(name).read_text(encoding="utf-8"))
    positions = [order.index(entry["model"]) for entry in data]
    assert positions == sorted(positions)


# --- CMMI-DEV v1.2 -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dev_counts():
    load("cmmi_dev_1_2")
    dev = Constellation.objects.get_by_natural_key(DEV)
    assert (dev.name, dev.version, dev.status) == ("CMMI for Development", "1.2", "final")
    assert dev.max_capability_level == 5
    assert dev.process_areas.count() == 22
    assert SpecificGoal.objects.filter(process_area__constellation=dev).count() == 50
    assert SpecificPractice.objects.filter(goal__process_area__constellation=dev).count() == 173
    assert dev.generic_goals.count() == 5
    assert GenericPractice.objects.filter(generic_goal__constellation=dev).count() == 17
    assert list(dev.maturity_levels.values_list("number", "name")) == [
        (1, "Initial"),
        (2, "Managed"),
        (3, "Defined"),
        (4, "Quantitatively Managed"),
        (5, "Optimizing"),
    ]
    assert list(dev.capability_levels.values_list("number", "name")) == [
        (0, "Incomplete"),
        (1, "Performed"),
        (2, "Managed"),
        (3, "Defined"),
        (4, "Quantitatively Managed"),
        (5, "Optimizing"),
    ]
    assert list(dev.categories.values_list("name", flat=True)) == [
        "Project Management",
        "Engineering",
        "Support",
        "Process Management",
    ]
    assert list(dev.variants.values_list("slug", "name", "additions")) == [
        ("cmmi-dev", "CMMI-DEV", []),
        ("cmmi-dev-ippd", "CMMI-DEV+IPPD", ["IPPD"]),
    ]


@pytest.mark.django_db
def test_dev_pas_per_category():
    load("cmmi_dev_1_2")
    by_category = {
        cat.name: sorted(cat.process_areas.values_list("acronym", flat=True))
        for cat in Category.objects.filter(constellation__slug=DEV)
    }
    assert by_category == {
        "Process Management": ["OID", "OPD", "OPF", "OPP", "OT"],
        "Project Management": ["IPM", "PMC", "PP", "QPM", "RSKM", "SAM"],
        "Engineering": ["PI", "RD", "REQM", "TS", "VAL", "VER"],
        "Support": ["CAR", "CM", "DAR", "MA", "PPQA"],
    }


@pytest.mark.django_db
def test_dev_ippd_is_a_goal_level_addition():
    load("cmmi_dev_1_2")
    dev_pas = ProcessArea.objects.filter(constellation__slug=DEV)
    assert set(dev_pas.values_list("addition", flat=True)) == {""}
    dev_goals = SpecificGoal.objects.filter(process_area__constellation__slug=DEV)
    ippd_goals = dev_goals.exclude(addition="").select_related("process_area")
    assert sorted((g.process_area.acronym, g.number, g.addition) for g in ippd_goals) == [
        ("IPM", 3, "IPPD"),
        ("OPD", 2, "IPPD"),
    ]

    base = ModelVariant.objects.get_by_natural_key(DEV, "cmmi-dev")
    ippd = ModelVariant.objects.get_by_natural_key(DEV, "cmmi-dev-ippd")

    def goals_in(variant, acronym):
        return [g.number for g in pa(DEV, acronym).goals.all() if variant.includes(g.addition)]

    assert goals_in(base, "IPM") == [1, 2]
    assert goals_in(ippd, "IPM") == [1, 2, 3]
    assert goals_in(base, "OPD") == [1]
    assert goals_in(ippd, "OPD") == [1, 2]

    goals = list(dev_goals)
    assert sum(base.includes(g.addition) for g in goals) == 48
    assert sum(ippd.includes(g.addition) for g in goals) == 50
    practices = SpecificPractice.objects.filter(goal__process_area__constellation__slug=DEV)
    assert sum(base.includes(sp.goal.addition) for sp in practices.select_related("goal")) == 165
    # Both variants have all 22 PAs: IPPD adds goals, not process areas.
    pas = list(dev_pas)
    assert sum(base.includes(p.addition) for p in pas) == 22
    assert sum(ippd.includes(p.addition) for p in pas) == 22


# --- CMMI-SVC v1.3 -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_svc_counts():
    load("cmmi_svc_1_3")
    svc = Constellation.objects.get_by_natural_key(SVC)
    assert (svc.name, svc.version, svc.status) == ("CMMI for Services", "1.3", "final")
    assert svc.max_capability_level == 3
    assert svc.process_areas.count() == 24
    assert SpecificGoal.objects.filter(process_area__constellation=svc).count() == 53
    assert SpecificPractice.objects.filter(goal__process_area__constellation=svc).count() == 181
    assert svc.generic_goals.count() == 3
    assert GenericPractice.objects.filter(generic_goal__constellation=svc).count() == 13
    assert svc.maturity_levels.count() == 5
    assert list(svc.capability_levels.values_list("number", "name")) == [
        (0, "Incomplete"),
        (1, "Performed"),
        (2, "Managed"),
        (3, "Defined"),
    ]
    assert list(svc.variants.values_list("slug", "name", "additions")) == [
        ("cmmi-svc", "CMMI-SVC", []),
        ("cmmi-svc-ssd", "CMMI-SVC+SSD", ["SSD"]),
    ]


@pytest.mark.django_db
def test_svc_pas_per_category():
    load("cmmi_svc_1_3")
    project_and_work = ["CAM", "IWM", "QWM", "REQM", "RSKM", "SAM", "SCON", "WMC", "WP"]
    by_category = {
        cat.name: sorted(cat.process_areas.values_list("acronym", flat=True))
        for cat in Category.objects.filter(constellation__slug=SVC)
    }
    assert by_category == {
        "Process Management": ["OPD", "OPF", "OPM", "OPP", "OT"],
        "Project and Work Management": project_and_work,
        "Service Establishment and Delivery": ["IRP", "SD", "SSD", "SST", "STSM"],
        "Support": ["CAR", "CM", "DAR", "MA", "PPQA"],
    }


@pytest.mark.django_db
def test_svc_ssd_is_the_only_addition():
    load("cmmi_svc_1_3")
    additions = dict(
        ProcessArea.objects.filter(constellation__slug=SVC)
        .exclude(addition="")
        .values_list("acronym", "addition")
    )
    assert additions == {"SSD": "SSD"}
    svc_goals = SpecificGoal.objects.filter(process_area__constellation__slug=SVC)
    assert not svc_goals.exclude(addition="").exists()

    pas = list(ProcessArea.objects.filter(constellation__slug=SVC))
    base = ModelVariant.objects.get_by_natural_key(SVC, "cmmi-svc")
    full = ModelVariant.objects.get_by_natural_key(SVC, "cmmi-svc-ssd")
    assert sum(base.includes(p.addition) for p in pas) == 23
    assert sum(full.includes(p.addition) for p in pas) == 24
    assert not base.includes("SSD")


# --- both ----------------------------------------------------------------------------------------


# Spot checks: one table per kind of row, checked against one load of both fixtures.

MATURITY_LEVELS = {
    (DEV, "REQM"): 2,
    (DEV, "PP"): 2,
    (DEV, "CM"): 2,
    (DEV, "RD"): 3,
    (DEV, "IPM"): 3,
    (DEV, "RSKM"): 3,
    (DEV, "OPP"): 4,
    (DEV, "QPM"): 4,
    (DEV, "OID"): 5,
    (DEV, "CAR"): 5,
    (SVC, "SD"): 2,
    (SVC, "WP"): 2,
    (SVC, "WMC"): 2,
    (SVC, "REQM"): 2,
    (SVC, "IRP"): 3,
    (SVC, "SST"): 3,
    (SVC, "STSM"): 3,
    (SVC, "SCON"): 3,
    (SVC, "SSD"): 3,
    (SVC, "QWM"): 4,
    (SVC, "OPP"): 4,
    (SVC, "OPM"): 5,
    (SVC, "CAR"): 5,
}

SPECIFIC_PRACTICE_TITLES = {
    (DEV, "REQM", 1, 1): "Obtain an Understanding of Requirements",
    (DEV, "REQM", 1, 5): "Identify Inconsistencies Between Project Work and Requirements",
    (DEV, "PP", 1, 3): "Define Project Lifecycle",
    (DEV, "SAM", 2, 2): "Monitor Selected Supplier Processes",
    (DEV, "SAM", 2, 5): "Transition Products",
    (DEV, "OPD", 1, 6): "Establish Work Environment Standards",
    (DEV, "OPD", 2, 3): "Balance Team and Home Organization Responsibilities",
    (DEV, "IPM", 3, 5): "Ensure Collaboration among Interfacing Teams",
    (DEV, "QPM", 2, 4): "Record Statistical Management Data",
    (DEV, "CAR", 2, 3): "Record Data",
    (SVC, "REQM", 1, 1): "Understand Requirements",
    (SVC, "WP", 1, 1): "Establish the Service Strategy",
    (SVC, "SAM", 2, 2): "Accept the Acquired Product",
    (SVC, "IWM", 1, 6): "Establish Teams",
    (SVC, "OPD", 1, 7): "Establish Rules and Guidelines for Teams",
    (SVC, "IRP", 3, 3): "Establish and Apply Solutions to Reduce Incident Occurrence",
    (SVC, "SST", 1, 3): "Prepare Stakeholders for Changes",
    (SVC, "STSM", 2, 1): "Establish Properties of Standard Services and Service Levels",
    (SVC, "SSD", 3, 4): "Validate the Service System",
    (SVC, "QWM", 2, 3): "Perform Root Cause Analysis",
    (SVC, "OPM", 2, 4): "Select and Implement Improvements for Deployment",
}

SPECIFIC_GOAL_TITLES = {
    (DEV, "OPF", 2): "Plan and Implement Process Improvements",
    (DEV, "OPD", 2): "Enable IPPD Management",
    (DEV, "IPM", 3): "Apply IPPD Principles",
    (DEV, "CAR", 1): "Determine Causes of Defects",
    (SVC, "OPF", 2): "Plan and Implement Process Actions",
    (SVC, "IRP", 2): "Identify, Control, and Address Individual Incidents",
    (SVC, "CAR", 1): "Determine Causes of Selected Outcomes",
    (SVC, "WMC", 1): "Monitor the Work Against the Plan",
}

GENERIC_PRACTICE_TITLES = {
    (DEV, 1, 1): "Perform Specific Practices",
    (DEV, 2, 6): "Manage Configurations",
    (DEV, 2, 10): "Review Status with Higher Level Management",
    (DEV, 3, 2): "Collect Improvement Information",
    (DEV, 4, 2): "Stabilize Subprocess Performance",
    (DEV, 5, 2): "Correct Root Causes of Problems",
    (SVC, 1, 1): "Perform Specific Practices",
    (SVC, 2, 6): "Control Work Products",
    (SVC, 3, 2): "Collect Process Related Experiences",
}


@pytest.mark.django_db
def test_spot_checks_of_levels_and_titles():
    load("cmmi_dev_1_2", "cmmi_svc_1_3")
    levels = {key: pa(*key).maturity_level.number for key in MATURITY_LEVELS}
    assert levels == MATURITY_LEVELS
    sp_titles = {
        key: SpecificPractice.objects.get_by_natural_key(*key).title
        for key in SPECIFIC_PRACTICE_TITLES
    }
    assert sp_titles == SPECIFIC_PRACTICE_TITLES
    sg_titles = {
        key: SpecificGoal.objects.get_by_natural_key(*key).title for key in SPECIFIC_GOAL_TITLES
    }
    assert sg_titles == SPECIFIC_GOAL_TITLES
    gp_titles = {
        key: GenericPractice.objects.get_by_natural_key(*key).title
        for key in GENERIC_PRACTICE_TITLES
    }
    assert gp_titles == GENERIC_PRACTICE_TITLES


@pytest.mark.django_db
def test_generic_goals_belong_to_their_capability_level():
    load("cmmi_dev_1_2", "cmmi_svc_1_3")
    for slug, numbers in [(DEV, [1, 2, 3, 4, 5]), (SVC, [1, 2, 3])]:
        goals = GenericGoal.objects.filter(constellation__slug=slug).select_related(
            "capability_level__constellation"
        )
        assert [g.number for g in goals] == numbers
        for g in goals:
            assert g.capability_level.number == g.number
            assert g.capability_level.constellation.slug == slug
    gg3 = GenericGoal.objects.get_by_natural_key(SVC, 3)
    assert gg3.title == "Institutionalize a Defined Process"
    assert not GenericGoal.objects.filter(constellation__slug=SVC, number__gt=3).exists()
    assert not CapabilityLevel.objects.filter(constellation__slug=SVC, number__gt=3).exists()


@pytest.mark.django_db
def test_str_uses_codes():
    load("cmmi_dev_1_2")
    sp = SpecificPractice.objects.get_by_natural_key(DEV, "REQM", 1, 1)
    assert str(sp) == "REQM SP 1.1 Obtain an Understanding of Requirements"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["cmmi_dev_1_2", "cmmi_svc_1_3"])
def test_database_holds_every_row_of_the_file(name):
    load(name)
    expected = rows_in_file(name)
    for model in CATALOG_MODELS:
        assert model.objects.count() == expected[model._meta.label_lower], model


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["cmmi_dev_1_2", "cmmi_svc_1_3"])
def test_loading_twice_is_idempotent(name):
    load(name)
    before = snapshot()
    first_key = next(iter(before["models_catalog.processarea"]))
    pa_before = ProcessArea.objects.get_by_natural_key(*first_key)
    ProcessArea.objects.filter(pk=pa_before.pk).update(name="changed locally")

    load(name)

    assert snapshot() == before
    # A reload updates rows in place.
    pa_before.refresh_from_db()
    assert pa_before.name != "changed locally"


@pytest.mark.django_db
def test_all_three_constellations_coexist():
    names = ["cmmi_dev_1_2", "cmmi_svc_1_3"]
    load(*names)
    two = snapshot()

    if not fixture_path(DRAFT_FIXTURE).exists():
        pytest.skip(f"{DRAFT_FIXTURE}.json is not there yet")
    names.append(DRAFT_FIXTURE)
    load(DRAFT_FIXTURE)
    three = snapshot()

    # No row of DEV or SVC v1.3 was overwritten or re-keyed by the draft ...
    for label, rows in two.items():
        for key, pk in rows.items():
            assert three[label][key] == pk, (label, key)
    # ... and every row of every file is in the database: no natural key collided.
    expected = sum((rows_in_file(n) for n in names), Counter())
    for model in CATALOG_MODELS:
        assert model.objects.count() == expected[model._meta.label_lower], model
    assert set(Constellation.objects.values_list("slug", flat=True)) >= {
        DEV,
        SVC,
        "cmmi-svc-draft-2007",
    }
    assert pa(DEV, "REQM").category.name == "Engineering"
    assert pa(SVC, "REQM").category.name == "Project and Work Management"
    assert pa("cmmi-svc-draft-2007", "REQM").maturity_level.number == 2

    # Same in the other order, once more, on top of everything: still idempotent.
    load(*reversed(names))
    assert snapshot() == three


@pytest.mark.django_db
def test_svc_itsm_mapping_follows_the_draft_with_v1_3_pas():
    load("cmmi_svc_1_3")
    mapping = {
        process.name: [pa.acronym for pa in process.process_areas.order_by("acronym")]
        for process in ItsmProcess.objects.filter(constellation__slug=SVC).order_by("order")
    }
    assert mapping == {
        "Capacity Management": ["CAM"],
        "Service Continuity & Availability Management": ["CAM", "SCON"],
        "Service Level Management": ["SD"],
        "Service Reporting": ["CAM", "MA", "SD"],
        "Information Security Management": [],
        "Budgeting & Accounting for IT Services": [],
        "Release Management": ["SST"],
        "Incident Management": ["IRP"],
        "Problem Management": ["IRP"],
        "Business Relationship Management": ["STSM"],
        "Supplier Management": ["SAM"],
        "Configuration Management": ["CM", "SST"],
        "Change Management": ["CM", "SST"],
    }
