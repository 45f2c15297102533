"""``manage.py check_catalog`` and ``models_catalog.checks.catalog_defects``: one test per defect.

Each test loads the shipped fixture, breaks it in one way, and expects the command to fail and to
name the broken entry by its natural key.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from models_catalog.checks import catalog_defects
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

from .conftest import SLUG, load, mini_catalog, write_fixture

pytestmark = pytest.mark.django_db


def run_check(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("check_catalog", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def assert_defect(expected: str, slug: str = SLUG) -> str:
    """check_catalog fails on ``slug`` and prints a defect line containing ``expected``."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"catalog defects? in " + slug):
        call_command("check_catalog", slug, stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert any(expected in line for line in lines), lines
    assert "OK" not in out.getvalue()
    return err.getvalue()


def test_sound_catalog_passes(catalog):
    out, err = run_check(SLUG)
    assert (
        out == f"OK {SLUG}: 25 process areas, 53 goals, 188 practices; may be not applicable: SAM\n"
    )
    assert err == ""


def test_checks_take_a_fixed_number_of_queries(catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert catalog_defects(catalog) == []


def test_process_area_without_goals(catalog):
    SpecificGoal.objects.filter(process_area__acronym="PRM").delete()
    assert_defect(f"models_catalog.processarea ('{SLUG}', 'PRM'): has no specific goals")


def test_goal_without_practices(catalog):
    SpecificPractice.objects.filter(goal__process_area__acronym="REQM", goal__number=2).delete()
    assert_defect(f"models_catalog.specificgoal ('{SLUG}', 'REQM', 2): has no specific practices")


def test_gap_in_specific_goal_numbers(catalog):
    SpecificGoal.objects.filter(process_area__acronym="ST", number=3).update(number=4)
    assert_defect(
        f"models_catalog.processarea ('{SLUG}', 'ST'): specific goals numbered 1, 2, 4 "
        "(expected 1, 2, 3)"
    )


def test_specific_goals_must_start_at_one(catalog):
    SpecificGoal.objects.filter(process_area__acronym="OPP", number=1).update(number=2)
    assert_defect(f"models_catalog.processarea ('{SLUG}', 'OPP'): specific goals numbered 2")


def test_gap_in_specific_practice_numbers(catalog):
    SpecificPractice.objects.get(
        goal__process_area__acronym="IRM", goal__number=2, number=2
    ).delete()
    assert_defect(
        f"models_catalog.specificgoal ('{SLUG}', 'IRM', 2): specific practices numbered "
        "1, 3, 4 (expected 1, 2, 3)"
    )


def test_gap_in_generic_goal_numbers(catalog):
    GenericGoal.objects.get(number=4).delete()
    assert_defect(
        f"models_catalog.constellation ('{SLUG}',): generic goals numbered 1, 2, 3, 5 "
        "(expected 1, 2, 3, 4)"
    )


def test_gap_in_generic_practice_numbers(catalog):
    GenericPractice.objects.filter(generic_goal__number=2, number=10).update(number=11)
    assert_defect(f"models_catalog.genericgoal ('{SLUG}', 2): generic practices numbered")


def test_generic_goal_without_practices(catalog):
    GenericPractice.objects.filter(generic_goal__number=4).delete()
    assert_defect(f"models_catalog.genericgoal ('{SLUG}', 4): has no generic practices")


def test_missing_maturity_level(catalog):
    MaturityLevel.objects.get(number=1).delete()  # no process area is at ML1
    assert_defect(
        f"models_catalog.constellation ('{SLUG}',): maturity levels numbered 2, 3, 4, 5 "
        "(expected 1, 2, 3, 4, 5)"
    )


def test_missing_capability_level(catalog):
    CapabilityLevel.objects.get(number=0).delete()  # no generic goal is at CL0
    assert_defect(f"models_catalog.constellation ('{SLUG}',): capability levels numbered 1, 2")


def test_capability_levels_beyond_the_highest(catalog):
    Constellation.objects.filter(slug=SLUG).update(max_capability_level=3)
    assert_defect("capability levels numbered 0, 1, 2, 3, 4, 5 (expected 0, 1, 2, 3)")


def test_variant_naming_an_addition_nobody_carries(catalog):
    ModelVariant.objects.create(
        constellation=catalog, slug="cmmi-svc-ippd", name="CMMI-SVC+IPPD", additions=["IPPD"]
    )
    assert_defect(
        f"models_catalog.modelvariant ('{SLUG}', 'cmmi-svc-ippd'): addition 'IPPD' is carried "
        "by no process area or goal"
    )


def test_variant_addition_carried_by_a_goal_is_fine(catalog):
    SpecificGoal.objects.filter(process_area__acronym="IPM", number=2).update(addition="IPPD")
    ModelVariant.objects.create(
        constellation=catalog, slug="cmmi-svc-ippd", name="CMMI-SVC+IPPD", additions=["IPPD"]
    )
    assert catalog_defects(catalog) == []


def test_variant_additions_must_be_a_list_of_names(catalog):
    ModelVariant.objects.filter(slug="cmmi-svc-osm").update(additions="OSM")
    assert_defect(
        f"models_catalog.modelvariant ('{SLUG}', 'cmmi-svc-osm'): additions must be a list"
    )


def test_generic_goal_at_another_capability_level_is_fine(catalog):
    GenericGoal.objects.filter(number=1).update(
        capability_level=CapabilityLevel.objects.get(number=2)
    )
    assert catalog_defects(catalog) == []
    run_check(SLUG)


def test_references_into_another_constellation(catalog, tmp_path):
    load(write_fixture(tmp_path / "mini.json", mini_catalog("mini")), verbosity=0)
    other_category = Category.objects.get(constellation__slug="mini")
    ProcessArea.objects.filter(constellation=catalog, acronym="CAM").update(category=other_category)
    ItsmProcess.objects.get(name="Capacity Management").process_areas.add(
        ProcessArea.objects.get(constellation__slug="mini")
    )
    err = assert_defect(
        f"models_catalog.processarea ('{SLUG}', 'CAM'): category 'Cat' is of another constellation"
    )
    assert (
        f"models_catalog.itsmprocess ('{SLUG}', 'Capacity Management'): process area ABC is of "
        "another constellation"
    ) in err


def test_every_defect_on_its_own_line(catalog):
    SpecificGoal.objects.filter(process_area__acronym="PRM").delete()
    SpecificPractice.objects.filter(goal__process_area__acronym="SD", goal__number=1).delete()
    err = assert_defect("PRM")
    assert len(err.splitlines()) == 2
    with pytest.raises(CommandError, match="2 catalog defects"):
        run_check(SLUG)


def test_unknown_slug(catalog):
    with pytest.raises(CommandError, match=r"Unknown constellation 'nope' \(loaded: cmmi-svc"):
        run_check("nope")


def test_all_constellations_by_default(catalog, tmp_path):
    load(write_fixture(tmp_path / "mini.json", mini_catalog("mini")), verbosity=0)
    # mini has only ML2 and CL1: both level sets are incomplete.
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"^2 catalog defects in mini\.$"):
        call_command("check_catalog", stdout=out, stderr=err)
    assert (
        out.getvalue()
        == f"OK {SLUG}: 25 process areas, 53 goals, 188 practices; may be not applicable: SAM\n"
    )
    assert err.getvalue().splitlines() == [
        "models_catalog.constellation ('mini',): maturity levels numbered 2 "
        "(expected 1, 2, 3, 4, 5)",
        "models_catalog.constellation ('mini',): capability levels numbered 1 (expected 0, 1)",
    ]


def test_nothing_loaded(db):
    out, _err = run_check()
    assert "nothing to check" in out


def test_exit_status_from_the_command_line(catalog):
    SpecificGoal.objects.filter(process_area__acronym="PRM").delete()
    cmd = __import__(
        "models_catalog.management.commands.check_catalog", fromlist=["Command"]
    ).Command(stdout=StringIO(), stderr=StringIO())
    with pytest.raises(SystemExit) as exit_info:
        cmd.run_from_argv(["manage.py", "check_catalog", SLUG])
    assert exit_info.value.code == 1


def test_a_catalog_where_nothing_may_be_not_applicable_warns_but_passes(catalog):
    ProcessArea.objects.filter(constellation=catalog).update(may_be_not_applicable=False)
    out, err = run_check(SLUG)
    assert (
        out
        == f"OK {SLUG}: 25 process areas, 53 goals, 188 practices; may be not applicable: none\n"
    )
    assert err == (
        f"warning: models_catalog.constellation ('{SLUG}',): no process area may be declared "
        "not applicable: an appraisal can only leave a PA out of scope\n"
    )


@pytest.mark.parametrize("fixture", ["cmmi_svc_draft_2007", "cmmi_dev_1_2", "cmmi_svc_1_3"])
def test_only_sam_may_be_not_applicable_in_every_shipped_constellation(db, fixture):
    call_command("loaddata", fixture, verbosity=0)
    assert list(
        ProcessArea.objects.filter(may_be_not_applicable=True).values_list("acronym", flat=True)
    ) == ["SAM"]
    out, err = run_check()
    assert out.endswith("; may be not applicable: SAM\n")
    assert err == ""
