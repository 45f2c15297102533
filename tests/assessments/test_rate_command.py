"""`manage.py rate_appraisal`: the results JSON of DESIGN §6 and a readable summary."""

from __future__ import annotations

import io
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from assessments.exchange import dumps, export_appraisal
from assessments.management.commands.rate_appraisal import ID_OR_FILE
from assessments.models import Organisation
from tests.assessments.test_scenarios import ML2, judge_goal, judge_practice, make_appraisal, rate

DESIGN_KEYS = {
    "maturity_level",
    "equivalent_maturity_level",
    "process_areas",
    "pending",
    "reviews",
    "uncovered",
}
EXTENSIONS = {"next_level", "blockers"}  # docs/rating.md


def run(*args: str) -> str:
    out = StringIO()
    call_command("rate_appraisal", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every assessments model, history tables included."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_app_config("assessments").get_models()
    }


@pytest.fixture
def rated(org, base_variant, lead):
    """Staged ML2, SAM not applicable, all FI but: CM SP 2.1 a pending range, REQM SG 1 under
    review (SP 1.1 LI), and a judgment that does not apply (IRM SP 1.1, all FI)."""
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate(appraisal, [a for a in ML2 if a != "SAM"])
    rate(appraisal, "CM", "PI", only=("SP 2.1",), instances=("hosting",))
    rate(appraisal, "REQM", "LI", only=("SP 1.1",))
    judge_practice(appraisal, "IRM", "SP 1.1", "LI", lead)
    return appraisal


def test_json_by_id_and_by_code(rated):
    data = json.loads(run(str(rated.pk), "--json"))
    assert json.loads(run(str(rated.code), "--json")) == data
    assert set(data) == DESIGN_KEYS | EXTENSIONS
    assert data["maturity_level"] == 1 and data["equivalent_maturity_level"] is None
    assert data["pending"] == [
        {"process_area": "CM", "practice": "SP 2.1", "choices": ["LI", "PI"]}
    ]
    assert data["reviews"] == [
        {"process_area": "REQM", "goal": "SG 1", "choices": ["satisfied", "unsatisfied"]}
    ]
    assert data["next_level"] == 2
    assert data["blockers"] == [
        {
            "process_area": "CM",
            "maturity_level": 2,
            "reason": "not_rated",
            "goals": ["SG 2"],
            "failing_practices": [],
        }
    ]
    assert data["process_areas"]["REQM"]["practices"]["SP 1.1"] == "LI"
    assert data["process_areas"]["SAM"] == {
        "rating": "not_applicable",
        "capability_level": None,
        "goals": {},
        "practices": {},
    }


def test_json_lists_process_areas_and_practices_in_order(rated):
    text = run(str(rated.pk), "--json")
    data = json.loads(text)
    assert list(data["process_areas"]) == sorted(data["process_areas"])
    practices = list(data["process_areas"]["PMC"]["practices"])
    # Numbers compare as numbers: GP 2.10 comes after GP 2.9.
    assert practices[-2:] == ["GP 2.9", "GP 2.10"]
    assert text.startswith('{\n  "maturity_level": 1,\n  "equivalent_maturity_level": null,')


@pytest.mark.parametrize(
    "identifier", ["999", "not-a-code", "7f0c4a51-3a4b-4c1e-9a53-1a2b3c4d5e6f"]
)
def test_unknown_appraisal(db, identifier):
    with pytest.raises(CommandError, match="No appraisal has the id or code"):
        run(identifier, "--json")


@pytest.mark.parametrize("args", [(), ("1", "--file", "x.json")])
def test_id_or_file_but_not_both(db, args):
    with pytest.raises(CommandError, match=ID_OR_FILE):
        run(*args)


def test_file_is_rated_without_being_stored(rated, tmp_path):
    path = tmp_path / "appraisal.json"
    path.write_text(dumps(export_appraisal(rated)), encoding="utf-8")
    before = row_counts()
    organisations = list(Organisation.objects.values_list("name", flat=True))
    # The file names this database's organisation and appraisal: still rated, nothing clashes.
    assert json.loads(run("--file", str(path), "--json")) == json.loads(
        run(str(rated.pk), "--json")
    )
    assert row_counts() == before
    assert list(Organisation.objects.values_list("name", flat=True)) == organisations


def test_file_from_standard_input(rated, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(dumps(export_appraisal(rated))))
    assert json.loads(run("--file", "-", "--json"))["pending"][0]["practice"] == "SP 2.1"


def test_a_bad_file_names_its_problems_and_stores_nothing(rated, tmp_path):
    document = export_appraisal(rated)
    document["characterizations"][0]["value"] = "XX"
    document["characterizations"][1]["practice"] = "SP 9.9"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = row_counts()
    with pytest.raises(CommandError) as error:
        run("--file", str(path), "--json")
    message = str(error.value)
    assert message.startswith(f"Nothing was rated: 2 problems in {path}:")
    assert "characterizations[0].value" in message and "characterizations[1].practice" in message
    assert row_counts() == before


def test_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("--file", str(tmp_path / "missing.json"))


def test_summary(rated, lead):
    judge_goal(rated, "REQM", "SG 1", "unsatisfied", lead)
    text = run(str(rated.pk))
    lines = text.splitlines()
    assert lines[:4] == [
        "Scenario 1 (Acme IT Services)",
        "Model: CMMI-SVC, CMMI for Services draft 2007",
        "Method: A",
        "Representation: staged, target ML2",
    ]
    assert "Maturity level: 1 (Initial), indicative, not an official SCAMPI A rating" in lines
    header = lines.index("PA    ML  Rating          CL         Target  Goals")
    assert lines[header + 2 : header + 4] == [
        "CM    2   not rated       not rated  2       SG1+ SG2? SG3+ GG2+",
        "IRM   2   satisfied       2          2       SG1+ SG2+ GG2+",
    ]
    assert "REQM  2   unsatisfied     0          2       SG1-* SG2+ GG2+" in lines
    assert "SAM   2   not applicable" in lines
    assert "CAM   3   out of scope" in lines
    assert "Pending practice judgments: 1" in lines
    assert "  CM SP 2.1: LI or PI? (desk FI, hosting PI)" in lines
    assert "Goals to review: 0" in lines
    assert "Ignored judgments: 1" in lines
    assert "  IRM SP 1.1 LI: the instances leave no LI/PI range" in lines
    assert lines[-3:] == [
        "What blocks maturity level 2: 2",
        "  ML2 CM: not rated yet (SG 2)",
        "  ML2 REQM: unsatisfied (SG 1)",
    ]


def test_summary_of_a_continuous_appraisal(org, base_variant):
    appraisal = make_appraisal(org, base_variant, profile={"REQM": 3})
    rate(appraisal, "REQM")
    text = run(str(appraisal.pk))
    assert "Representation: continuous" in text
    assert "Equivalent maturity level: 1 (Initial)" in text
    rows = [line.split() for line in text.splitlines()]
    assert ["REQM", "2", "satisfied", "3", "3", "SG1+", "SG2+", "GG1+", "GG2+", "GG3+"] in rows


def test_summary_of_a_file_names_the_files_organisation(rated, tmp_path):
    path = tmp_path / "appraisal.json"
    path.write_text(dumps(export_appraisal(rated)), encoding="utf-8")
    assert run("--file", str(path)).splitlines()[0] == "Scenario 1 (Acme IT Services)"


@pytest.mark.parametrize("method", ["B", "C"])
def test_methods_b_and_c_print_no_level(rated, method):
    """DESIGN §3: methods B and C show characterizations and goal indications, no level; the JSON
    keeps its keys with every level null (docs/rating.md)."""
    rated.method = method
    rated.save(update_fields=["method"])
    data = json.loads(run(str(rated.pk), "--json"))
    assert set(data) == DESIGN_KEYS | EXTENSIONS
    assert (data["maturity_level"], data["equivalent_maturity_level"]) == (None, None)
    assert (data["next_level"], data["blockers"]) == (None, [])
    assert {pa["capability_level"] for pa in data["process_areas"].values()} == {None}
    assert data["process_areas"]["IRM"]["goals"] == {
        "SG 1": "satisfied",
        "SG 2": "satisfied",
        "GG 2": "satisfied",
    }
    assert data["pending"] == [
        {"process_area": "CM", "practice": "SP 2.1", "choices": ["LI", "PI"]}
    ]
    text = run(str(rated.pk))
    assert f"Method {method}: characterizations and goal indications only" in text
    assert "Maturity level" not in text and "What blocks" not in text
    assert "PA    ML  Rating          Goals" in text.splitlines()
