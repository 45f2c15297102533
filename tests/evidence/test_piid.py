"""The PIID page and workbook: practice rows × instance columns, exported and imported back."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Appraisal, Characterization
from evidence import piid
from evidence.models import EvidenceItem, EvidenceLink
from tests.conftest import link_evidence, rate_cell


@pytest.fixture
def v12(appraisal, team_member):
    Appraisal.objects.filter(pk=appraisal.pk).update(evidence_model="v1.2")
    appraisal.refresh_from_db()
    rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", team_member, note="=SUM(A1:A9)")
    link_evidence(appraisal, "desk", "REQM", "SP 1.1", "SLA register", team_member, pii="direct")
    link_evidence(appraisal, "desk", "REQM", "SP 1.1", "Minutes", team_member, pii="indirect")
    link_evidence(
        appraisal, "desk", "REQM", "SP 1.1", "Interview: desk", team_member, kind="affirmation"
    )
    return appraisal


def test_piid_page_shows_direct_indirect_affirmations_notes_and_value(
    client, v12, viewer, django_assert_max_num_queries
):
    client.force_login(viewer)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("evidence:piid", args=[v12.code, "REQM"]))
    assert response.status_code == 200
    rows = response.context["rows"]
    first = rows[0]
    assert first.code == "SP 1.1"
    keys = [i.key for i in response.context["instances"]]
    assert keys == ["hosting", "desk"]  # by name: Hosting, Service desk
    desk = first.cells[1]
    assert [i.title for i in desk.direct] == ["SLA register"]
    assert [i.title for i in desk.indirect] == ["Minutes"]
    assert [i.title for i in desk.affirmations] == ["Interview: desk"]
    assert (desk.note, desk.value) == ("=SUM(A1:A9)", "FI")
    html = response.content.decode()
    assert "Direct artifacts" in html and "Indirect artifacts" in html


def sheet_of(data: bytes, name="REQM"):
    return load_workbook(io.BytesIO(data))[name]


def test_workbook_has_one_sheet_per_pa_and_writes_formulas_as_text(v12):
    data = piid.export_workbook(v12)
    wb = load_workbook(io.BytesIO(data))
    assert "REQM" in wb.sheetnames and "CM" in wb.sheetnames
    sheet = wb["REQM"]
    header = [c.value for c in sheet[piid.HEADER_ROW]]
    assert header == [
        "Goal",
        "Practice",
        "Title",
        *(
            f"{key}: {name}"
            for key in ("hosting", "desk")
            for name in ("Direct artifacts", "Indirect artifacts", "Affirmations", "Notes", "Value")
        ),
    ]
    row = [c for c in sheet[piid.HEADER_ROW + 1]]
    assert row[1].value == "SP 1.1"
    desk = row[8:13]
    assert [c.value for c in desk] == [
        "SLA register",
        "Minutes",
        "Interview: desk",
        "=SUM(A1:A9)",
        "FI",
    ]
    assert desk[3].data_type == "s"  # text, not a formula


def test_round_trip_changes_nothing_and_an_edit_imports(v12, team_member):
    data = piid.export_workbook(v12)
    assert piid.import_workbook(v12, io.BytesIO(data), user=team_member) == 0

    wb = load_workbook(io.BytesIO(data))
    sheet = wb["REQM"]
    row = piid.HEADER_ROW + 2  # SP 1.2
    sheet.cell(row, 4).value = "Procedure v4 | https://intranet/proc4"
    sheet.cell(row, 6).value = "Interview: desk"
    sheet.cell(row, 8).value = "li"
    out = io.BytesIO()
    wb.save(out)
    before = EvidenceItem.objects.count()
    assert piid.import_workbook(v12, io.BytesIO(out.getvalue()), user=team_member) == 3

    cell = Characterization.objects.get(
        sampled_instance__key="hosting",
        specific_practice__number=2,
        specific_practice__goal__number=1,
        process_area__acronym="REQM",
    )
    assert cell.value == "LI"
    new = EvidenceItem.objects.get(uri="https://intranet/proc4")
    assert (new.title, EvidenceItem.objects.count()) == ("Procedure v4", before + 1)
    assert EvidenceLink.objects.get(item=new).pii == "direct"
    # The affirmation was matched by its title, not created again.
    assert EvidenceItem.objects.filter(title="Interview: desk").count() == 1


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (0, 8, "XX", "REQM!H5: 'XX' is not one of FI, LI, PI, NI, NY"),
        (0, 2, "SP 9.9", "REQM!B5: 'SP 9.9' is not a required practice of REQM"),
        (-1, 4, "Artifacts", "REQM!D3: expected the column 'hosting: Direct artifacts'"),
    ],
)
def test_bad_workbook_names_sheet_row_and_column_and_writes_nothing(
    v12, team_member, row, column, value, message
):
    wb = load_workbook(io.BytesIO(piid.export_workbook(v12)))
    sheet = wb["REQM"]
    target = piid.HEADER_ROW + 1 + row + (1 if row >= 0 else 0)
    sheet.cell(target, column).value = value
    out = io.BytesIO()
    wb.save(out)
    links, cells = EvidenceLink.objects.count(), list(Characterization.objects.values_list("value"))

    with pytest.raises(piid.WorkbookError) as error:
        piid.import_workbook(v12, io.BytesIO(out.getvalue()), user=team_member)
    assert any(m.startswith(message) for m in error.value.messages), error.value.messages
    assert EvidenceLink.objects.count() == links
    assert list(Characterization.objects.values_list("value")) == cells


def test_import_page(client, v12, team_member):
    client.force_login(team_member)
    url = reverse("evidence:piid_import", args=[v12.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert response.status_code == 400
    assert "the file is not an XLSX workbook" in response.content.decode()
