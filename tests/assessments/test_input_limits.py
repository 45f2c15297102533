"""Input that used to crash: nesting, NUL, lone surrogates, huge numbers, long texts, big
uploads (issue 13, point 6). Each is refused with a named error and changes nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.management import CommandError, call_command

from assessments import limits
from assessments.exchange import ExchangeError, import_appraisal, load_exchange_file
from assessments.exchange.reader import CHUNK_BYTES, MAX_DEPTH
from assessments.models import Appraisal, Characterization, Finding
from tests.assessments.test_exchange import DESIGN_EXAMPLE, example, row_counts
from tests.conftest import rate_cell

IMPORT_URL = "/orgs/acme/appraisals/import/"
NESTED = '{"format": "cmmisvc.appraisal/1", "appraisal": ' + "[" * 100_000 + "]" * 100_000 + "}"


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("a.json", text.encode("utf-8"), content_type="application/json")


def refused(text: str) -> list[str]:
    with pytest.raises(ExchangeError) as caught:
        load_exchange_file(io.StringIO(text))
    return caught.value.messages


# --- The reader ---------------------------------------------------------------------------------


def test_deep_nesting_is_a_named_error_not_a_recursion_error():
    assert refused(NESTED) == [f"document: nested more than {MAX_DEPTH} levels deep"]


def test_nesting_the_parser_survives_is_refused_by_depth():
    text = '{"format": "x", "appraisal": ' + "[" * 40 + "]" * 40 + "}"
    assert refused(text) == [f"appraisal{'[0]' * 16}: nested more than {MAX_DEPTH} levels deep"]


def test_nul_characters_are_refused_with_their_place():
    data = example()
    data["characterizations"][0]["note"] = "before\u0000after"
    data["appraisal"]["team"] = "\u0000"
    assert refused(json.dumps(data)) == [
        "appraisal.team: contains a NUL character (\\u0000), which cannot be stored",
        "characterizations[0].note: contains a NUL character (\\u0000), which cannot be stored",
    ]


def test_lone_surrogates_are_refused_in_values_and_keys():
    text = DESIGN_EXAMPLE.replace('"name": "Service desk"', '"name": "Desk \\ud800"').replace(
        '"format"', '"\\udfff": 1, "format"'
    )
    assert refused(text) == [
        "\\udfff (the key): contains a lone surrogate (\\udfff), which is not text",
        "instances[0].name: contains a lone surrogate (\\ud800), which is not text",
    ]


def test_a_number_python_will_not_read_is_a_named_error():
    messages = refused('{"format": ' + "9" * 5000 + "}")
    assert len(messages) == 1
    assert messages[0].startswith("document: a number JSON allows but this importer does not:")


def test_encoded_surrogates_are_not_utf8():
    with pytest.raises(ExchangeError) as caught:
        load_exchange_file(io.BytesIO(b'{"a": "\xed\xa0\x80"}'))
    assert caught.value.messages == ["document: not UTF-8 text (byte 7)"]


def test_the_file_is_read_in_chunks():
    class Recording(io.BytesIO):
        sizes: list[int] = []

        def read(self, size=-1):
            self.sizes.append(size)
            return super().read(size)

    stream = Recording(DESIGN_EXAMPLE.encode("utf-8"))
    assert load_exchange_file(stream)["format"] == "cmmisvc.appraisal/1"
    assert stream.sizes and all(0 < size <= CHUNK_BYTES for size in stream.sizes)


@pytest.mark.parametrize(
    ("where", "limit"),
    [
        ("characterizations[0].note", limits.NOTE_MAX),
        ("characterizations[0].artifacts", limits.EVIDENCE_MAX),
        ("findings[0].text", limits.FINDING_MAX),
        ("judgments.practices[0].rationale", limits.RATIONALE_MAX),
        ("appraisal.not_applicable.SAM", limits.RATIONALE_MAX),
        ("appraisal.team", limits.TEAM_MAX),
        ("instances[0].name", limits.NAME_MAX),
    ],
)
def test_every_text_of_the_import_has_a_length_limit(catalog, org, where, limit):
    data = example()
    target = data
    *parents, last = where.replace("[0]", ".0").split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = "x" * (limit + 1)
    before = row_counts()
    with pytest.raises(ExchangeError) as caught:
        import_appraisal(load_exchange_file(io.StringIO(json.dumps(data))), organisation=org)
    assert caught.value.messages == [f"{where}: must be at most {limit} characters long"]
    assert row_counts() == before


# --- The command and the page -------------------------------------------------------------------


def test_the_command_names_the_problem(catalog, tmp_path):
    path = tmp_path / "nested.json"
    path.write_text(NESTED, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_appraisal", str(path))
    assert f"document: nested more than {MAX_DEPTH} levels deep" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (NESTED, f"document: nested more than {MAX_DEPTH} levels deep"),
        (
            DESIGN_EXAMPLE.replace('"note": "..."', '"note": "\\u0000"'),
            "characterizations[0].note: contains a NUL character",
        ),
        (
            DESIGN_EXAMPLE.replace('"text": "..."', '"text": "\\udc00"'),
            "findings[0].text: contains a lone surrogate (\\udc00)",
        ),
    ],
)
def test_the_upload_page_names_the_problem(client, catalog, lead, text, message):
    client.force_login(lead)
    response = client.post(IMPORT_URL, {"file": upload(text)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appraisal.objects.exists()


def test_the_upload_stops_storing_at_the_limit(client, catalog, lead, settings, monkeypatch):
    settings.IMPORT_MAX_BYTES = 100_000
    stored: list[int] = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def recording(self, raw_data, start):
        stored.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", recording)
    client.force_login(lead)
    big = DESIGN_EXAMPLE.replace('"..."', '"' + "x" * 2_000_000 + '"', 1)

    response = client.post(IMPORT_URL, {"file": upload(big)})

    assert response.status_code == 400
    assert sum(stored) <= settings.IMPORT_MAX_BYTES
    assert response.context["form"].errors["file"] == [
        "The file is larger than the limit of 97.7\xa0KB."
    ]
    assert not Appraisal.objects.exists()


def test_a_file_under_the_limit_still_imports(client, catalog, lead, settings):
    settings.IMPORT_MAX_BYTES = 100_000
    client.force_login(lead)
    response = client.post(IMPORT_URL, {"file": upload(DESIGN_EXAMPLE)})
    assert response.status_code == 302
    assert Appraisal.objects.count() == 1


# --- Forms and services -------------------------------------------------------------------------


def test_a_too_long_note_is_refused_by_the_service(appraisal, team_member):
    with pytest.raises(ValidationError) as caught:
        rate_cell(appraisal, "desk", "REQM", "SP 1.1", "FI", team_member, note="n" * 20_001)
    assert caught.value.message_dict == {
        "note": [limits.TOO_LONG.format(limit=limits.NOTE_MAX, length=20_001)]
    }
    assert not Characterization.objects.exists()


def test_a_too_long_cell_note_is_refused_by_the_form(client, appraisal, team_member):
    client.force_login(team_member)
    instance = appraisal.instances.get(key="desk")
    response = client.post(
        f"/a/{appraisal.code}/rate/REQM/cell/{instance.pk}/SP-1.1/",
        {"version": 0, "value": "FI", "note": "n" * (limits.NOTE_MAX + 1)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "At most 20000 characters, please: this text has 20001." in response.content.decode()
    assert not Characterization.objects.exists()


def test_a_too_long_finding_is_refused(client, appraisal, team_member):
    client.force_login(team_member)
    response = client.post(
        f"/a/{appraisal.code}/rate/REQM/findings/",
        {"kind": "weakness", "text": "w" * (limits.FINDING_MAX + 1), "practice": ""},
        follow=True,
    )
    assert "At most 10000 characters, please" in response.content.decode()
    assert not Finding.objects.exists()
