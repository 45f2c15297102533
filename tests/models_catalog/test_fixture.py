"""The shipped fixture ``fixtures/cmmi_svc_draft_2007.json``: the seed's CMMI-SVC (DESIGN §2)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from models_catalog.checks import catalog_defects
from models_catalog.models import (
    CapabilityLevel,
    GenericGoal,
    ItsmProcess,
    MaturityLevel,
    ProcessArea,
    SpecificGoal,
    SpecificPractice,
)

from .conftest import FIXTURE, SLUG, load, row_counts, snapshot

pytestmark = pytest.mark.django_db

DEPENDENCY_ORDER = [
    "constellation",
    "maturitylevel",
    "capabilitylevel",
    "category",
    "processarea",
    "specificgoal",
    "specificpractice",
    "genericgoal",
    "genericpractice",
    "modelvariant",
    "itsmprocess",
]

MATURITY_LEVELS = {
    2: "REQM PP PMC SAM MA PPQA CM IRM",
    3: "IPM RSKM DAR OPF OPD OT CAM SD ST PRM OSM SCON SSD",
    4: "OPP QPM",
    5: "OID CAR",
}

CATEGORIES = {
    "Project Management": "REQM PP PMC SAM IPM RSKM QPM CAM SCON",
    "Service Establishment and Delivery": "IRM SD SSD ST",
    "Support": "CM PPQA MA DAR CAR PRM",
    "Process Management": "OPF OPD OT OPP OID OSM",
}


def test_file_uses_natural_keys_in_dependency_order():
    entries = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert all("pk" not in e for e in entries)
    models = [e["model"].removeprefix("models_catalog.") for e in entries]
    assert set(models) == set(DEPENDENCY_ORDER)
    assert models == sorted(models, key=DEPENDENCY_ORDER.index)


def test_loads_on_an_empty_database(db):
    assert sum(row_counts().values()) == 0
    out = load(FIXTURE)
    assert "Installed" in out
    counts = row_counts()
    assert counts["models_catalog.constellation"] == 1
    assert counts["models_catalog.processarea"] == 25
    assert counts["models_catalog.maturitylevel"] == 5
    assert counts["models_catalog.capabilitylevel"] == 6
    assert counts["models_catalog.genericgoal"] == 5
    assert counts["models_catalog.category"] == 4
    assert counts["models_catalog.modelvariant"] == 8
    assert counts["models_catalog.itsmprocess"] == 13


def test_process_areas_per_variant(catalog):
    pas = list(catalog.process_areas.all())
    per_variant = {
        v.name: sorted(pa.acronym for pa in pas if v.includes(pa.addition))
        for v in catalog.variants.all()
    }
    assert list(per_variant) == [
        "CMMI-SVC",
        "CMMI-SVC+OSM",
        "CMMI-SVC+SCON",
        "CMMI-SVC+SSD",
        "CMMI-SVC+OSM+SCON",
        "CMMI-SVC+OSM+SSD",
        "CMMI-SVC+SCON+SSD",
        "CMMI-SVC+OSM+SCON+SSD",
    ]
    assert {name: len(acronyms) for name, acronyms in per_variant.items()} == {
        "CMMI-SVC": 22,
        "CMMI-SVC+OSM": 23,
        "CMMI-SVC+SCON": 23,
        "CMMI-SVC+SSD": 23,
        "CMMI-SVC+OSM+SCON": 24,
        "CMMI-SVC+OSM+SSD": 24,
        "CMMI-SVC+SCON+SSD": 24,
        "CMMI-SVC+OSM+SCON+SSD": 25,
    }
    assert not {"OSM", "SCON", "SSD"} & set(per_variant["CMMI-SVC"])
    assert "OSM" in per_variant["CMMI-SVC+OSM"] and "SCON" not in per_variant["CMMI-SVC+OSM"]


def test_variants_slugs_names_and_order(catalog):
    variants = list(catalog.variants.order_by("order"))
    assert [(v.order, v.slug, v.additions) for v in variants] == [
        (0, "cmmi-svc", []),
        (1, "cmmi-svc-osm", ["OSM"]),
        (2, "cmmi-svc-scon", ["SCON"]),
        (3, "cmmi-svc-ssd", ["SSD"]),
        (4, "cmmi-svc-osm-scon", ["OSM", "SCON"]),
        (5, "cmmi-svc-osm-ssd", ["OSM", "SSD"]),
        (6, "cmmi-svc-scon-ssd", ["SCON", "SSD"]),
        (7, "cmmi-svc-osm-scon-ssd", ["OSM", "SCON", "SSD"]),
    ]


def test_only_the_three_optional_process_areas_are_additions(catalog):
    additions = dict(catalog.process_areas.exclude(addition="").values_list("acronym", "addition"))
    assert additions == {"OSM": "OSM", "SCON": "SCON", "SSD": "SSD"}
    assert not SpecificGoal.objects.exclude(addition="").exists()


def test_maturity_levels_and_categories_of_design_section_2(catalog):
    pas = {
        pa.acronym: pa for pa in catalog.process_areas.select_related("maturity_level", "category")
    }
    assert {a: pa.maturity_level.number for a, pa in pas.items()} == {
        a: n for n, acronyms in MATURITY_LEVELS.items() for a in acronyms.split()
    }
    assert {a: pa.category.name for a, pa in pas.items()} == {
        a: cat for cat, acronyms in CATEGORIES.items() for a in acronyms.split()
    }
    assert pas["REQM"].category.name == "Project Management"
    assert pas["RSKM"].maturity_level.number == 3
    assert all(pa.purpose for pa in pas.values())


def test_level_names(catalog):
    assert list(MaturityLevel.objects.values_list("number", "name")) == [
        (1, "Initial"),
        (2, "Managed"),
        (3, "Defined"),
        (4, "Quantitatively Managed"),
        (5, "Optimizing"),
    ]
    assert list(CapabilityLevel.objects.values_list("number", "name")) == [
        (0, "Incomplete"),
        (1, "Performed"),
        (2, "Managed"),
        (3, "Defined"),
        (4, "Quantitatively Managed"),
        (5, "Optimizing"),
    ]
    assert catalog.max_capability_level == 5
    assert catalog.status == "draft"


def test_generic_goals_and_practices(catalog):
    goals = list(
        GenericGoal.objects.select_related("capability_level").prefetch_related("practices")
    )
    assert [g.number for g in goals] == [1, 2, 3, 4, 5]
    assert all(g.capability_level.number == g.number for g in goals)
    assert {g.number: g.practices.count() for g in goals} == {1: 1, 2: 10, 3: 2, 4: 2, 5: 2}
    gg2 = goals[1]
    assert gg2.title == "Institutionalize a Managed Process"
    assert [p.title for p in gg2.practices.all()][:2] == [
        "Establish an Organizational Policy",
        "Plan the Process",
    ]
    assert goals[0].practices.get().title == "Perform Base Practices"


def test_specific_goals_and_practices(catalog):
    assert SpecificGoal.objects.count() == 53
    assert SpecificPractice.objects.count() == 188
    reqm = ProcessArea.objects.get(acronym="REQM")
    assert [(g.number, g.title) for g in reqm.goals.all()] == [
        (1, "Manage Requirements"),
        (2, "Establish Service Requirements Agreements"),
    ]
    assert every_pa_has_goals_and_practices()


def every_pa_has_goals_and_practices() -> bool:
    return not ProcessArea.objects.filter(goals=None).exists() and not (
        SpecificGoal.objects.filter(practices=None).exists()
    )


PRACTICE_TITLES = {
    ("IRM", 2, 4): "Communicate and Validate the Resolution of Incidents and Requests",
    ("REQM", 2, 2): "Establish and Maintain the Service Requirements Agreement",
    ("ST", 3, 2): "Archive the Service System Artefacts",
    ("SCON", 2, 3): "Develop Service Continuity Plan Training",
    ("PP", 2, 7): "Establish the Project Plan",
    ("QPM", 2, 4): "Record Statistical Management Data",
    ("SAM", 2, 5): "Transition Products",
    ("CAR", 2, 3): "Record Data",
}


def test_practice_titles(catalog):
    practices = {
        (sp.goal.process_area.acronym, sp.goal.number, sp.number): sp
        for sp in SpecificPractice.objects.select_related("goal__process_area")
    }
    for (acronym, goal, number), title in PRACTICE_TITLES.items():
        sp = practices[acronym, goal, number]
        assert (sp.code, sp.title) == (f"SP {goal}.{number}", title)


def test_core_process_areas_have_no_ippd_goals(catalog):
    titles = list(SpecificGoal.objects.values_list("title", flat=True))
    assert not [t for t in titles if "IPPD" in t]
    assert ProcessArea.objects.get(acronym="IPM").goals.count() == 2
    assert ProcessArea.objects.get(acronym="OPD").goals.count() == 1
    assert not ProcessArea.objects.filter(name__contains="IPPD").exists()


def test_loading_twice_changes_nothing(catalog):
    before = snapshot()
    load(FIXTURE, verbosity=0)
    assert snapshot() == before


def test_itsm_mapping(catalog):
    mapping = {
        p.name: sorted(pa.acronym for pa in p.process_areas.all())
        for p in ItsmProcess.objects.prefetch_related("process_areas")
    }
    assert mapping == {
        "Capacity Management": ["CAM"],
        "Service Continuity & Availability Management": ["CAM", "SCON"],
        "Service Level Management": ["REQM"],
        "Service Reporting": ["CAM", "MA", "SD"],
        "Information Security Management": [],
        "Budgeting & Accounting for IT Services": [],
        "Release Management": ["ST"],
        "Incident Management": ["IRM"],
        "Problem Management": ["PRM"],
        "Business Relationship Management": ["OSM"],
        "Supplier Management": ["SAM"],
        "Configuration Management": ["CM", "ST"],
        "Change Management": ["CM", "ST"],
    }
    assert set(ItsmProcess.objects.values_list("standard", flat=True)) == {"BS 15000-1:2002"}
    unmapped = ItsmProcess.objects.filter(process_areas=None).order_by("order")
    assert [p.name for p in unmapped] == [
        "Information Security Management",
        "Budgeting & Accounting for IT Services",
    ]
    assert all("no process area" in p.note for p in unmapped)
    # In the order of the seed's BS 15000 diagram.
    assert list(ItsmProcess.objects.order_by("order").values_list("order", flat=True)) == list(
        range(13)
    )


def test_check_catalog_passes(catalog):
    assert catalog_defects(catalog) == []
    out = StringIO()
    call_command("check_catalog", SLUG, stdout=out)
    assert (
        out.getvalue().strip()
        == f"OK {SLUG}: 25 process areas, 53 goals, 188 practices; may be not applicable: SAM"
    )
