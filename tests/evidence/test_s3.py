"""Evidence files on S3-compatible object storage (a real moto server, see tests/evidence/s3.py)."""

from __future__ import annotations

import boto3
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import EvidenceItem
from tests.evidence.s3 import CREDENTIALS, s3_endpoint, s3_storage  # noqa: F401 - fixtures
from tests.evidence.test_files import PDF


def test_upload_and_download_through_s3(client, org, team_member, s3_storage, s3_endpoint):  # noqa: F811
    client.force_login(team_member)
    response = client.post(
        reverse("evidence:item_create", args=["acme"]),
        {"kind": "artifact", "title": "Procedure", "upload": SimpleUploadedFile("p.pdf", PDF)},
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get()

    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        region_name=CREDENTIALS["region_name"],
    )
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=s3_storage)["Contents"]]
    assert keys == [f"evidence/{item.file.name}"]

    download = client.get(reverse("evidence:item_file", args=["acme", item.code]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="p.pdf"'
