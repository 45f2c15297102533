"""Downloading an appraisal as an exchange file and uploading one (docs/exchange.md)."""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.models import Appraisal
from tests.assessments.test_exchange import DESIGN_EXAMPLE, build_staged, example, row_counts

IMPORT_URL = "/orgs/acme/appraisals/import/"


def upload(text: str, name: str = "appraisal.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/json")


@pytest.fixture
def appraisal(catalog, org, lead) -> Appraisal:
    return build_staged(catalog, org, lead)


def export_url(appraisal: Appraisal) -> str:
    return f"/a/{appraisal.code}/export.json"


# --- Download -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "org_admin"])
def test_lead_downloads_the_exchange_file(client, appraisal, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(export_url(appraisal))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="acme-2026-self-assessment-{today}.json"'
    )
    data = json.loads(response.content.decode("utf-8"))
    assert data["format"] == "cmmisvc.appraisal/1"
    assert data["appraisal"]["name"] == "2026 self-assessment"
    assert len(data["characterizations"]) == 5


@pytest.mark.parametrize("who", ["viewer", "team_member"])
def test_lower_roles_may_not_download(client, appraisal, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(export_url(appraisal)).status_code == 403


def test_outsider_gets_404_for_the_download(client, appraisal, outsider):
    client.force_login(outsider)

    assert client.get(export_url(appraisal)).status_code == 404


def test_anonymous_download_redirects_to_sign_in(client, appraisal):
    response = client.get(export_url(appraisal))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_download_refuses_post(client, appraisal, lead):
    client.force_login(lead)

    assert client.post(export_url(appraisal)).status_code == 405


# --- Upload -------------------------------------------------------------------------------------


def test_lead_sees_the_upload_form(client, catalog, lead):
    client.force_login(lead)

    response = client.get(IMPORT_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert 'type="file"' in content
    assert "Import an appraisal into Acme IT Services" in content


@pytest.mark.parametrize("who", ["viewer", "team_member"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_lower_roles_may_not_import(client, catalog, request, who, method):
    client.force_login(request.getfixturevalue(who))

    response = getattr(client, method)(IMPORT_URL, {"file": upload(DESIGN_EXAMPLE)})

    assert response.status_code == 403
    assert not Appraisal.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_gets_404_for_the_upload(client, catalog, org, outsider, method):
    client.force_login(outsider)

    response = getattr(client, method)(IMPORT_URL, {"file": upload(DESIGN_EXAMPLE)})

    assert response.status_code == 404
    assert not Appraisal.objects.exists()


def test_anonymous_upload_redirects_to_sign_in(client, catalog, org):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_upload_imports_into_this_organisation(client, catalog, org, other_org, lead):
    data = example()
    data["organisation"] = "Globex Hosting"  # the page's organisation wins
    client.force_login(lead)

    response = client.post(IMPORT_URL, {"file": upload(json.dumps(data))})

    appraisal = Appraisal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == appraisal.get_absolute_url()
    assert appraisal.organisation == org
    assert appraisal.characterizations.get().updated_by == lead
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Imported 2026 self-assessment: 1 instances, 1 characterizations."
    ]


def test_upload_of_a_bad_document_lists_the_problems_and_changes_nothing(
    client, catalog, org, lead
):
    data = example()
    data["characterizations"][0]["practice"] = "SP 9.9"
    data["instances"].append({"key": "desk", "name": "Desk again"})
    client.force_login(lead)
    before = row_counts()

    response = client.post(IMPORT_URL, {"file": upload(json.dumps(data))})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Nothing was imported: the file has 2 problems." in content
    assert "instances[1]: duplicate key &#x27;desk&#x27;" in content
    assert "characterizations[0].practice: &#x27;SP 9.9&#x27; is not a practice of REQM" in content
    assert 'type="file"' in content
    assert row_counts() == before


def test_upload_of_bad_json_names_line_and_column(client, catalog, org, lead):
    client.force_login(lead)
    before = row_counts()

    response = client.post(IMPORT_URL, {"file": upload('{"format": \n  oops}')})

    assert response.status_code == 400
    assert "not valid JSON: line 2, column 3" in response.content.decode()
    assert row_counts() == before


def test_upload_without_a_file_is_a_form_error(client, catalog, org, lead):
    client.force_login(lead)

    response = client.post(IMPORT_URL, {})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Appraisal.objects.exists()


def test_download_then_upload_gives_the_same_document(client, appraisal, org, lead):
    client.force_login(lead)
    exported = client.get(export_url(appraisal)).content.decode("utf-8")
    data = json.loads(exported)
    data["appraisal"]["name"] = "Copy"

    response = client.post(IMPORT_URL, {"file": upload(json.dumps(data))})

    copy_ = Appraisal.objects.get(name="Copy")
    assert response["Location"] == copy_.get_absolute_url()
    again = json.loads(client.get(export_url(copy_)).content)
    assert again == data


def test_upload_shows_the_first_hundred_problems(client, catalog, org, lead):
    data = example()
    data["characterizations"] = [
        {"instance": f"x{n}", "process_area": "REQM", "practice": "SP 1.1"} for n in range(150)
    ]
    client.force_login(lead)

    response = client.post(IMPORT_URL, {"file": upload(json.dumps(data))})

    content = response.content.decode()
    assert response.status_code == 400
    assert "the file has 150 problems" in content
    assert "characterizations[99]: instance &#x27;x99&#x27; is not defined" in content
    assert "characterizations[100]:" not in content
    assert "and 50 more." in content
