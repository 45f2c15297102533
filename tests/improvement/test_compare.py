"""DESIGN §6 compare_appraisals: the pure diff, the command, the comparison page."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessments.exchange import dumps, export_appraisal
from assessments.models import Organisation
from improvement.compare import CHANGED, FELL, ROSE, classify, compare_results, summary
from improvement.management.commands.compare_appraisals import TWO_SIDES


def results(ml=1, eml=None, **pas):
    return {"maturity_level": ml, "equivalent_maturity_level": eml, "process_areas": pas}


def pa(rating="satisfied", cl=2, goals=None, practices=None):
    return {
        "rating": rating,
        "capability_level": cl,
        "goals": goals or {},
        "practices": practices or {},
    }


def test_the_example_of_design_6():
    old = results(
        1,
        PP=pa(
            "unsatisfied",
            0,
            {"SG 1": "satisfied", "SG 2": "unsatisfied"},
            {"SP 2.1": "PI", "GP 2.8": None},
        ),
    )
    new = results(
        2,
        PP=pa(
            "satisfied",
            2,
            {"SG 1": "satisfied", "SG 2": "satisfied"},
            {"SP 2.1": "LI", "GP 2.8": "FI"},
        ),
    )
    assert compare_results(old, new) == {
        "from": {"maturity_level": 1, "equivalent_maturity_level": None},
        "to": {"maturity_level": 2, "equivalent_maturity_level": None},
        "process_areas": {
            "PP": {
                "from": {"rating": "unsatisfied", "capability_level": 0},
                "to": {"rating": "satisfied", "capability_level": 2},
                "goals": {"SG 2": ["unsatisfied", "satisfied"]},
                "practices": {"SP 2.1": ["PI", "LI"], "GP 2.8": [None, "FI"]},
            }
        },
    }


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # Nothing differs: the PA is left out.
        ({"CM": pa()}, {"CM": pa()}, {}),
        # Only a practice differs: the PA is listed with equal heads.
        (
            {"CM": pa(practices={"SP 1.1": "FI"})},
            {"CM": pa(practices={"SP 1.1": "LI"})},
            {
                "CM": {
                    "from": {"rating": "satisfied", "capability_level": 2},
                    "to": {"rating": "satisfied", "capability_level": 2},
                    "goals": {},
                    "practices": {"SP 1.1": ["FI", "LI"]},
                }
            },
        ),
        # A PA missing on one side: "from": null, its goals and practices [null, new].
        (
            {},
            {"OSM": pa(goals={"SG 1": "satisfied"}, practices={"SP 1.1": "FI"})},
            {
                "OSM": {
                    "from": None,
                    "to": {"rating": "satisfied", "capability_level": 2},
                    "goals": {"SG 1": [None, "satisfied"]},
                    "practices": {"SP 1.1": [None, "FI"]},
                }
            },
        ),
        (
            {"OSM": pa("out_of_scope", None)},
            {},
            {
                "OSM": {
                    "from": {"rating": "out_of_scope", "capability_level": None},
                    "to": None,
                    "goals": {},
                    "practices": {},
                }
            },
        ),
        # An uncertain level (None, DESIGN §4.4 v2) differs from 0.
        (
            {"CM": pa("not_rated", None)},
            {"CM": pa("not_rated", 0)},
            {
                "CM": {
                    "from": {"rating": "not_rated", "capability_level": None},
                    "to": {"rating": "not_rated", "capability_level": 0},
                    "goals": {},
                    "practices": {},
                }
            },
        ),
    ],
)
def test_only_what_differs(old, new, expected):
    assert compare_results(results(**old), results(**new))["process_areas"] == expected


def test_sorted_by_acronym_then_number():
    old = results(Z=pa(practices={"GP 2.10": "FI", "GP 2.9": "FI", "SP 1.2": "FI"}), A=pa(cl=1))
    new = results(Z=pa(practices={"GP 2.10": "LI", "GP 2.9": "LI", "SP 1.2": "LI"}), A=pa(cl=2))
    data = compare_results(old, new)
    assert list(data["process_areas"]) == ["A", "Z"]
    assert list(data["process_areas"]["Z"]["practices"]) == ["SP 1.2", "GP 2.9", "GP 2.10"]


@pytest.mark.parametrize(
    ("kind", "old", "new", "way"),
    [
        ("level", 1, 2, ROSE),
        ("level", 3, 2, FELL),
        ("level", 0, None, CHANGED),  # not rated is not 0
        ("level", None, 1, CHANGED),
        ("practice", "PI", "LI", ROSE),
        ("practice", "FI", "NI", FELL),
        ("practice", None, "FI", CHANGED),
        ("practice", "NY", "PI", CHANGED),
        ("rating", "unsatisfied", "satisfied", ROSE),
        ("rating", "satisfied", "not_rated", CHANGED),
    ],
)
def test_classify(kind, old, new, way):
    assert classify(kind, old, new) == way


def test_summary_counts_rises_and_falls():
    data = compare_results(
        results(CM=pa("unsatisfied", 0, {"SG 1": "unsatisfied"}, {"SP 1.1": "PI", "SP 1.2": "FI"})),
        results(CM=pa("satisfied", 2, {"SG 1": "satisfied"}, {"SP 1.1": "FI", "SP 1.2": "LI"})),
    )
    assert summary(data) == {
        "pas_rose": 1,
        "pas_fell": 0,
        "goals_rose": 1,
        "goals_fell": 0,
        "practices_rose": 1,
        "practices_fell": 1,
    }


# --- The command --------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("compare_appraisals", *args, stdout=out)
    return out.getvalue()


def test_command_by_ids(before, after):
    data = json.loads(run(str(before.pk), str(after.code), "--json"))
    assert data["from"] == {"maturity_level": 1, "equivalent_maturity_level": None}
    assert data["to"] == {"maturity_level": 1, "equivalent_maturity_level": None}
    assert list(data["process_areas"]) == ["REQM"]
    reqm = data["process_areas"]["REQM"]
    assert reqm["from"] == {"rating": "unsatisfied", "capability_level": 0}
    assert reqm["practices"] == {"SP 1.1": ["PI", "LI"]}
    assert reqm["goals"] == {"SG 1": ["unsatisfied", "satisfied"]}
    text = run(str(before.pk), str(after.pk))
    assert "Maturity level: 1 -> 1 (unchanged)" in text
    assert "SP 1.1: PI -> LI (rose)" in text


def test_command_by_files_stores_nothing(before, after, tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(dumps(export_appraisal(before)), encoding="utf-8")
    new.write_text(dumps(export_appraisal(after)), encoding="utf-8")
    organisations = Organisation.objects.count()
    by_files = json.loads(run("--file", str(old), "--file", str(new), "--json"))
    assert by_files == json.loads(run(str(before.pk), str(after.pk), "--json"))
    assert Organisation.objects.count() == organisations


def test_command_refuses_two_constellations(before, tmp_path):
    document = export_appraisal(before)
    other = json.loads(dumps(document))
    other["appraisal"]["constellation"] = "cmmi-svc-1.3"
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(dumps(document), encoding="utf-8")
    new.write_text(json.dumps(other), encoding="utf-8")
    with pytest.raises(CommandError, match="different constellations"):
        run("--file", str(old), "--file", str(new))


@pytest.mark.parametrize("args", [(), ("1",), ("1", "2", "--file", "x.json"), ("--file", "a")])
def test_command_needs_two_sides(db, args):
    with pytest.raises(CommandError, match=re.escape(TWO_SIDES)):
        run(*args)


# --- The page -----------------------------------------------------------------------------------


def test_page_shows_the_level_first_then_what_rose(client, before, after, viewer):
    client.force_login(viewer)
    url = f"/a/{after.code}/compare/"
    page = client.get(url)
    assert page.status_code == 200
    assert "2025 appraisal" in page.content.decode()
    response = client.get(url, {"with": str(before.code)})
    html = response.content.decode()
    assert response.status_code == 200
    # Older first whichever side asks; the level change comes before the PAs.
    assert html.index("ML1 → ML1") < html.index('id="pa-REQM"')
    assert "2025 appraisal → 2026 appraisal" in html
    assert "SP 1.1 PI → LI ▲" in html
    assert 'id="pa-PP"' not in html  # PP did not change
    same = client.get(f"/a/{before.code}/compare/", {"with": str(after.code)})
    assert "2025 appraisal → 2026 appraisal" in same.content.decode()


def test_page_refuses_another_constellation(client, before, org, lead, catalog):
    from assessments import services
    from models_catalog.models import ModelVariant
    from tests.conftest import load_fixtures

    load_fixtures("cmmi_svc_1_3")
    variant = ModelVariant.objects.filter(constellation__slug="cmmi-svc-1-3").first() or (
        ModelVariant.objects.exclude(constellation=before.variant.constellation).first()
    )
    other = services.appraisal_create(
        organisation=org,
        name="Other model",
        variant=variant,
        representation="staged",
        target_maturity_level=2,
    )
    client.force_login(lead)
    response = client.get(f"/a/{before.code}/compare/", {"with": str(other.code)})
    assert response.status_code == 400
    assert "only appraisals of the same constellation can be compared" in response.content.decode()


def test_page_does_not_reach_another_organisation(
    client, before, outsider, other_org, base_variant
):
    from tests.assessments.test_scenarios import make_appraisal

    theirs = make_appraisal(other_org, base_variant, target=2)
    client.force_login(outsider)
    assert client.get(f"/a/{before.code}/compare/").status_code == 404
    # A member of `before`'s organisation cannot name another organisation's appraisal either.
    from assessments.models import Role
    from tests.conftest import _member

    member = _member(before.organisation, Role.VIEWER, "val")
    client.force_login(member)
    response = client.get(f"/a/{before.code}/compare/", {"with": str(theirs.code)})
    assert response.status_code == 404
