"""ZIP bundles: appraisal.json plus files/ (DESIGN §6), round trip and refusals, both storages."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.exchange import ExchangeError
from assessments.models import Appraisal
from audit.models import AuditAction, AuditEvent
from evidence import services
from evidence.bundle import export_bundle, import_bundle
from evidence.models import EvidenceItem, EvidenceLink
from tests.conftest import link_evidence
from tests.evidence.s3 import s3_endpoint, s3_storage  # noqa: F401 - fixtures
from tests.evidence.test_files import PDF, PNG


@pytest.fixture
def with_files(appraisal, team_member):
    first = link_evidence(
        appraisal, "desk", "REQM", "SP 1.1", "Procedure", team_member, pii="direct"
    )
    services.item_update(
        item=first.item, user=team_member, upload=SimpleUploadedFile("procedure.pdf", PDF)
    )
    second = link_evidence(appraisal, "hosting", "REQM", "SP 1.1", "Chart", team_member)
    # Same file name as the first: the bundle keeps both.
    services.item_update(
        item=second.item, user=team_member, upload=SimpleUploadedFile("procedure.pdf", PNG)
    )
    link_evidence(appraisal, "desk", "REQM", "SP 1.2", "Interview", team_member, kind="affirmation")
    return appraisal


def bundle_of(appraisal) -> bytes:
    buffer = io.BytesIO()
    export_bundle(appraisal, buffer)
    return buffer.getvalue()


def stored_files() -> int:
    location = storages["evidence"].location
    return sum(len(names) for _, _, names in os.walk(location))


def round_trip(appraisal, other_org, outsider):
    data = bundle_of(appraisal)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == [
            "appraisal.json",
            "files/2-procedure.pdf",
            "files/procedure.pdf",
        ]
        document = json.loads(archive.read("appraisal.json"))
    copy = import_bundle(io.BytesIO(data), organisation=other_org, user=outsider)
    items = {i.title: i for i in EvidenceItem.objects.filter(organisation=other_org)}
    assert set(items) == {"Procedure", "Chart", "Interview"}
    assert items["Procedure"].file.read() == PDF
    assert items["Chart"].file.read() == PNG
    assert items["Procedure"].file_sha256 == hashlib.sha256(PDF).hexdigest()
    assert EvidenceLink.objects.filter(appraisal=copy).count() == 3
    assert {e["title"]: e.get("file") for e in document["evidence"]} == {
        "Chart": "files/procedure.pdf",
        "Interview": None,
        "Procedure": "files/2-procedure.pdf",
    }
    return copy


def test_round_trip_on_the_file_system(with_files, other_org, outsider):
    round_trip(with_files, other_org, outsider)


def test_round_trip_on_s3(s3_storage, with_files, other_org, outsider):  # noqa: F811
    # s3_storage first: the fixture's files are stored in the bucket too.
    assert EvidenceItem.objects.exclude(file="").first().file.storage.backend.bucket_name == (
        s3_storage
    )
    round_trip(with_files, other_org, outsider)


def corrupt(data: bytes, change) -> bytes:
    """Rewrite a bundle: `change(document, files)` edits the JSON and the dict of members."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = json.loads(archive.read("appraisal.json"))
        members = {n: archive.read(n) for n in archive.namelist() if n != "appraisal.json"}
    change(document, members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("appraisal.json", json.dumps(document))
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _procedure(document) -> dict:
    return next(e for e in document["evidence"] if e["title"] == "Procedure")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d, m: m.update({"../evil.pdf": PDF}), "bundle: ../evil.pdf is outside files/"),
        (lambda d, m: m.update({"other/x.pdf": PDF}), "bundle: other/x.pdf is outside files/"),
        (
            lambda d, m: m.pop("files/2-procedure.pdf"),
            "evidence[2].file: files/2-procedure.pdf is not in the bundle",
        ),
        (
            lambda d, m: _procedure(d).update(file="files/procedure.pdf"),
            "evidence[2].file: files/procedure.pdf is also the file of evidence[1]",
        ),
        (
            lambda d, m: m.update({"files/2-procedure.pdf": PDF + b" "}),
            "evidence[2].file: the bytes of files/2-procedure.pdf do not match its sha256",
        ),
        (
            lambda d, m: _procedure(d).update(file="../procedure.pdf"),
            "evidence[2].file: ../procedure.pdf is outside files/",
        ),
        (
            lambda d, m: m.update({"files/big.bin": b"0" * 3000}),
            "bundle: files/big.bin is larger than 2.9\xa0KB",
        ),
    ],
)
def test_a_bad_bundle_writes_nothing(with_files, other_org, outsider, settings, change, message):
    settings.EVIDENCE_MAX_UPLOAD_SIZE = 2 * 1024 + 900
    data = corrupt(bundle_of(with_files), change)
    items, files = EvidenceItem.objects.count(), stored_files()

    with pytest.raises(ExchangeError) as error:
        import_bundle(io.BytesIO(data), organisation=other_org, user=outsider)

    assert message in error.value.messages, error.value.messages
    assert not Appraisal.objects.filter(organisation=other_org).exists()
    assert (EvidenceItem.objects.count(), stored_files()) == (items, files)


def test_a_failure_after_files_were_stored_deletes_them(
    with_files, other_org, outsider, monkeypatch
):
    data = bundle_of(with_files)
    files = stored_files()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    from assessments.exchange import evidence as exchange_evidence

    monkeypatch.setattr(exchange_evidence, "bulk_create_with_history", fail)
    with pytest.raises(RuntimeError):
        import_bundle(io.BytesIO(data), organisation=other_org, user=outsider)
    assert stored_files() == files
    assert not EvidenceItem.objects.filter(organisation=other_org).exists()


def test_the_commands_export_and_import_a_bundle(with_files, other_org, tmp_path):
    path = tmp_path / "bundle.zip"
    call_command("export_appraisal", str(with_files.pk), "--bundle", str(path))
    call_command("import_appraisal", str(path), "--organisation", "globex")
    assert EvidenceItem.objects.filter(organisation=other_org).exclude(file="").count() == 2

    bad = tmp_path / "bad.zip"
    bad.write_bytes(corrupt(path.read_bytes(), lambda d, m: m.pop("files/procedure.pdf")))
    with pytest.raises(CommandError, match="files/procedure.pdf is not in the bundle"):
        call_command("import_appraisal", str(bad), "--organisation", "globex")


def test_the_browser_export_is_a_bundle_and_is_audited(client, with_files, lead):
    client.force_login(lead)
    response = client.get(reverse("evidence:export_bundle", args=[with_files.code]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.zip"')
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as bundle:
        names = bundle.namelist()
    assert "appraisal.json" in names
    assert sum(name.startswith("files/") for name in names) == 2
    event = AuditEvent.objects.get(action=AuditAction.EXPORTED)
    assert (event.actor, event.target) == (lead, f"{with_files.name} (bundle)")
