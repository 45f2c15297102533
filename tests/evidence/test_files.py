"""Uploaded evidence files: size limit while streaming, sniffed type, safe names, hashes, access."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from evidence import files
from evidence.models import EvidenceItem, EvidenceLink
from tests.evidence.test_library import HTMX, cell_url

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
CSV = b"practice,value\nSP 1.1,FI\n"


def create(client, name, content, title="Procedure", **extra):
    return client.post(
        reverse("evidence:item_create", args=["acme"]),
        {"kind": "artifact", "title": title, "upload": SimpleUploadedFile(name, content), **extra},
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("procedure.pdf", PDF, "application/pdf"),
        ("chart.png", PNG, "image/png"),
        ("sla.csv", CSV, "text/csv"),
        ("notes.txt", "Notizen über SLAs\n".encode(), "text/plain"),
    ],
)
def test_an_accepted_upload_is_stored_with_its_hash_and_sniffed_type(
    client, org, team_member, name, content, content_type
):
    client.force_login(team_member)
    response = create(client, name, content)
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert (item.file_name, item.file_size, item.content_type) == (name, len(content), content_type)
    assert item.file_sha256 == hashlib.sha256(content).hexdigest()
    assert item.file.read() == content


def test_a_disallowed_type_disguised_by_its_extension_is_refused(client, org, team_member):
    client.force_login(team_member)
    response = create(client, "report.pdf", EXE)
    assert response.status_code == 400
    html = response.content.decode()
    assert "report.pdf: files of type application/x-msdownload are not accepted" in html
    assert not EvidenceItem.objects.exists()


def test_an_oversize_upload_is_stopped_while_it_streams(client, org, team_member, settings):
    settings.EVIDENCE_MAX_UPLOAD_SIZE = 1000
    client.force_login(team_member)
    response = create(client, "big.pdf", PDF + b"0" * 5000)
    assert response.status_code == 400
    assert "The file is larger than 1000\xa0bytes: it was not stored." in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_the_handler_aborts_at_the_limit_not_at_the_end(settings, rf):
    settings.EVIDENCE_MAX_UPLOAD_SIZE = 100
    request = rf.post("/")
    handler = files.MaxSizeUploadHandler(request)
    handler.handle_raw_input(None, {}, 300, b"x")
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    with pytest.raises(files.UploadTooLarge):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert request.upload_too_large is True


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("/abs/path/SLA 2026.pdf", "SLA_2026.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("..", "file"),
        ("ok\x00name.pdf", "okname.pdf"),
    ],
)
def test_safe_name(name, safe):
    assert files.safe_name(name) == safe


def test_a_dot_dot_name_is_stored_inside_the_organisations_folder(client, org, team_member):
    client.force_login(team_member)
    assert create(client, "../../../secret.pdf", PDF).status_code == 302
    item = EvidenceItem.objects.get()
    assert item.file_name == "secret.pdf"
    assert item.file.name.startswith(f"org-{org.pk}/")
    assert ".." not in item.file.name


def test_the_same_bytes_twice_warn(client, org, team_member):
    client.force_login(team_member)
    create(client, "a.pdf", PDF, title="First")
    response = create(client, "b.pdf", PDF, title="Second")
    page = client.get(response["Location"]).content.decode()
    assert "already holds the same file (same sha256) as First" in page


def test_download_is_an_attachment_with_nosniff_for_members_only(
    client, org, team_member, viewer, outsider
):
    client.force_login(team_member)
    create(client, "procedure.pdf", PDF)
    item = EvidenceItem.objects.get()
    url = reverse("evidence:item_file", args=["acme", item.code])

    client.force_login(viewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="procedure.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    event = AuditEvent.objects.get(action=AuditAction.EVIDENCE_DOWNLOADED)
    assert (event.actor, event.organisation, event.target) == (
        viewer,
        org,
        "Procedure (procedure.pdf)",
    )

    client.force_login(outsider)
    for slug in ("acme", "globex"):
        assert client.get(reverse("evidence:item_file", args=[slug, item.code])).status_code == 404
        for name in ("evidence:item", "evidence:item_edit", "evidence:item_delete"):
            assert client.get(reverse(name, args=[slug, item.code])).status_code == 404
    # Refused downloads leave no event behind.
    assert AuditEvent.objects.filter(action=AuditAction.EVIDENCE_DOWNLOADED).count() == 1


def test_upload_and_attach_from_the_cell_panel(client, appraisal, team_member):
    client.force_login(team_member)
    response = client.post(
        cell_url(appraisal, name="evidence:cell_create"),
        {"kind": "artifact", "title": "Minutes", "upload": SimpleUploadedFile("m.pdf", PDF)},
        **HTMX,
    )
    assert response.status_code == 200
    link = EvidenceLink.objects.select_related("item").get()
    assert (link.item.title, link.item.file_name) == ("Minutes", "m.pdf")


def test_affirmations_carry_no_file(client, org, team_member):
    client.force_login(team_member)
    response = client.post(
        reverse("evidence:item_create", args=["acme"]),
        {"kind": "affirmation", "title": "Interview", "upload": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 400
    assert "Only an artifact may carry a file." in response.content.decode()
    assert not EvidenceItem.objects.exists()
