"""The exchange file's `evidence` list (DESIGN §6) and old files' free-text evidence."""

from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command

from assessments.exchange import ExchangeError, export_appraisal, import_appraisal
from evidence.models import EvidenceItem, EvidenceLink

DOCUMENT = {
    "format": "cmmisvc.appraisal/1",
    "organisation": "Acme IT Services",
    "appraisal": {
        "name": "Evidence import",
        "constellation": "cmmi-svc-draft-2007",
        "representation": "staged",
        "target_maturity_level": 2,
    },
    "instances": [{"key": "desk", "name": "Service desk", "process_areas": ["REQM", "IRM"]}],
    "characterizations": [
        {"instance": "desk", "process_area": "IRM", "practice": "SP 1.1", "value": "FI"},
        {"instance": "desk", "process_area": "IRM", "practice": "SP 1.2", "value": "LI"},
    ],
    "evidence": [
        {
            "key": "proc-3",
            "kind": "artifact",
            "title": "Incident procedure v3",
            "uri": "https://intranet/irm-proc",
            "links": [
                {"instance": "desk", "process_area": "IRM", "practice": "SP 1.1", "pii": "direct"}
            ],
        },
        {
            "key": "int-7",
            "kind": "affirmation",
            "title": "Interview: service desk leads",
            "date": "2026-10-12",
            "links": [{"instance": "desk", "process_area": "IRM", "practice": "SP 1.1"}],
        },
    ],
}


def test_import_creates_items_and_links_and_export_writes_them_back(catalog, org, lead):
    appraisal = import_appraisal(copy.deepcopy(DOCUMENT), organisation=org, user=lead)

    links = EvidenceLink.objects.filter(appraisal=appraisal).select_related("item")
    assert sorted((link.item.title, link.pii) for link in links) == [
        ("Incident procedure v3", "direct"),
        ("Interview: service desk leads", ""),
    ]
    procedure = EvidenceItem.objects.get(kind="artifact")
    assert (procedure.organisation, procedure.uri) == (org, "https://intranet/irm-proc")
    assert EvidenceItem.objects.get(kind="affirmation").date.isoformat() == "2026-10-12"

    exported = export_appraisal(appraisal)["evidence"]
    assert [(e["key"], e["title"]) for e in exported] == [
        ("e1", "Interview: service desk leads"),
        ("e2", "Incident procedure v3"),
    ]
    assert exported[1]["links"] == DOCUMENT["evidence"][0]["links"]


def test_a_second_import_reuses_the_library_items(catalog, org, lead):
    import_appraisal(copy.deepcopy(DOCUMENT), organisation=org, user=lead)
    second = copy.deepcopy(DOCUMENT)
    second["appraisal"]["name"] = "Again"
    import_appraisal(second, organisation=org, user=lead)

    assert EvidenceItem.objects.count() == 2
    assert EvidenceLink.objects.count() == 4


def test_old_files_free_text_becomes_items_linked_to_the_cell(catalog, org, lead):
    data = copy.deepcopy(DOCUMENT)
    del data["evidence"]
    data["characterizations"] = [
        {
            "instance": "desk",
            "process_area": "REQM",
            "practice": "SP 1.1",
            "value": "FI",
            "artifacts": "policy.pdf\nsla.xlsx\npolicy.pdf",
            "affirmations": "Interview with the desk lead",
        },
        # Evidence only, no value or note: no characterization row, but the links.
        {"instance": "desk", "process_area": "IRM", "practice": "SP 1.1", "artifacts": "sla.xlsx"},
    ]
    appraisal = import_appraisal(data, organisation=org, user=lead)

    assert appraisal.characterizations.count() == 1
    cells = sorted(
        (link.item.kind, link.item.title, link.process_area.acronym)
        for link in EvidenceLink.objects.select_related("item", "process_area")
    )
    assert cells == [
        ("affirmation", "Interview with the desk lead", "REQM"),
        ("artifact", "policy.pdf", "REQM"),
        ("artifact", "sla.xlsx", "IRM"),
        ("artifact", "sla.xlsx", "REQM"),
    ]
    assert EvidenceItem.objects.count() == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["evidence"][1].update(key="proc-3"),
            "evidence[1]: duplicate key 'proc-3'",
        ),
        (
            lambda d: d["evidence"][0]["links"][0].update(instance="ops"),
            "evidence[0].links[0]: instance 'ops' is not defined",
        ),
        (
            lambda d: d["evidence"][1]["links"][0].update(pii="direct"),
            "evidence[1].links[0].pii: only an artifact link may say 'pii'",
        ),
        (
            lambda d: d["evidence"][0]["links"][0].update(practice="SP 9.9"),
            "evidence[0].links[0].practice: 'SP 9.9' is not a practice of IRM",
        ),
        (
            lambda d: d["evidence"][0]["links"][0].update(process_area="CM"),
            "evidence[0].links[0]: instance 'desk' does not cover CM",
        ),
        (
            lambda d: d["evidence"][0].update(file="files/proc.pdf", sha256="00"),
            "evidence[0].file: a file travels in a ZIP bundle",
        ),
        (lambda d: d["evidence"][0].update(kind="memo"), "evidence[0].kind: 'memo' is not one of"),
        (lambda d: d["evidence"][0].update(colour="red"), "evidence[0]: unknown key 'colour'"),
    ],
)
def test_bad_evidence_is_refused_naming_the_item_and_link(catalog, org, lead, change, message):
    data = copy.deepcopy(DOCUMENT)
    change(data)
    with pytest.raises(ExchangeError) as error:
        import_appraisal(data, organisation=org, user=lead)
    assert any(m.startswith(message) for m in error.value.messages), error.value.messages
    assert not org.appraisals.exists()
    assert not EvidenceItem.objects.exists()


def test_rate_appraisal_file_honours_the_evidence(catalog, tmp_path):
    path = tmp_path / "appraisal.json"
    path.write_text(json.dumps(DOCUMENT))
    out = StringIO()
    call_command("rate_appraisal", "--file", str(path), "--json", stdout=out)
    uncovered = json.loads(out.getvalue())["uncovered"]
    assert {"process_area": "IRM", "practice": "SP 1.2", "instance": "desk"} in uncovered
    assert not [u for u in uncovered if u["practice"] == "SP 1.1" and u["process_area"] == "IRM"]
    assert not EvidenceItem.objects.exists()
