"""A real S3-compatible server for the storage tests: moto's server mode, no mock of boto3.

`EVIDENCE_TEST_S3_ENDPOINT` names a server that is already running (CI's `.ci/run` starts one);
without it the fixture starts `moto_server` on 127.0.0.1 and a free port for the session.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(endpoint: str, process=None) -> None:
    import requests

    for _ in range(300):
        try:
            requests.get(endpoint, timeout=10)
            return
        except (requests.ConnectionError, requests.Timeout):
            if process is not None and process.poll() is not None:
                break
            time.sleep(0.1)
    pytest.fail(f"no S3-compatible server answers at {endpoint}")


@pytest.fixture(scope="session")
def s3_endpoint():
    endpoint = os.environ.get("EVIDENCE_TEST_S3_ENDPOINT")
    if endpoint:
        _wait(endpoint)
        yield endpoint
        return
    port = _free_port()
    server = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(  # noqa: S603 - our own venv's moto_server, fixed arguments
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait(endpoint, process)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3_storage(s3_endpoint, settings):
    """The "evidence" storage switched to a fresh bucket of the S3 server."""
    import boto3

    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_endpoint,
                "location": "evidence",
                "default_acl": None,
                "file_overwrite": False,
                **CREDENTIALS,
            },
        },
    }
    return bucket
