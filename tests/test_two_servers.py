"""Two app servers on one PostgreSQL and one Redis (issue 12, point 3).

Starts two gunicorn processes on two loopback ports against this test's database, signs in on
both with `requests`, saves a cell on server A, posts the stale version on server B and gets the
409 conflict, and reads the new result on B's results page; a session created on A is used on B.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess  # nosec B404: starts our own gunicorn with fixed arguments
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.db import connection

from assessments.models import Characterization, Role
from tests.assessments.test_scenarios import make_appraisal
from tests.conftest import PASSWORD, rate_cell
from tests.factories import MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
REDIS_URL = os.environ.get("TWO_SERVERS_REDIS_URL", "redis://127.0.0.1:6379/14")
# Servers of this test listen in this range (engineers share the machine; CI has it to itself).
PORTS = os.environ.get("TWO_SERVERS_PORTS", "8150-8199")

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two servers need a database both can open: PostgreSQL (SQLite's test database "
        "lives in memory)",
    ),
    pytest.mark.django_db(transaction=True),
]


def free_ports(count: int) -> list[int]:
    first, last = (int(p) for p in PORTS.split("-"))
    found = []
    for port in range(first, last + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    pytest.fail(f"no {count} free ports in {PORTS}")


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def servers(request, tmp_path):
    """Two gunicorn servers; killed when the test ends, whatever happens."""
    store = redis_or_skip()
    prefix = f"cmmisvc-two-servers-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmmisvc.settings_test",
        "CMMISVC_TEST_SERVER": "1",  # keep REDIS_URL (settings_test)
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    processes = []

    def stop():
        for process in processes:
            # SIGTERM: the master stops its worker too (SIGKILL would orphan it, and its
            # database session would keep the test database from being dropped).
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)
        # Shown by pytest under "Captured stdout teardown" when the test failed.
        for log in logs:
            if log.exists():
                print(f"--- {log.name} ---\n{log.read_text()[-4000:]}")

    request.addfinalizer(stop)
    urls, logs = [], []
    for port in free_ports(2):
        command = [
            str(GUNICORN),
            "cmmisvc.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-control-socket",
        ]
        logs.append(tmp_path / f"gunicorn-{port}.log")
        with logs[-1].open("w") as log:
            processes.append(
                # A session of its own: no signal meant for the test run's process group (an
                # interrupt, a terminal's hang-up) reaches the servers, nor theirs the test run.
                subprocess.Popen(  # nosec B603: fixed arguments
                    command,
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        urls.append(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 25
    for url, process, log in zip(urls, processes, logs, strict=True):
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited: {log.read_text()[-2000:]}")
            try:
                if requests.get(f"{url}/accounts/login/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still importing Django
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"gunicorn at {url} did not answer within 25 s: {log.read_text()[-2000:]}"
                )
            time.sleep(0.2)
    return urls


def token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html
    )
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(session: requests.Session, server: str, username: str) -> None:
    page = session.get(f"{server}/accounts/login/", timeout=10)
    response = session.post(
        f"{server}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token(page.text)},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[-500:]


def org_value(results_html: str) -> str:
    """The org-unit value of CM SP 1.1 in the results matrix (the only PA rated)."""
    found = re.search(
        r'<strong>SP 1\.1</strong>[^<]*</th><td class="[^"]*org[^"]*">(\w+)', results_html
    )
    assert found, "CM SP 1.1 has no value on the results page"
    return found.group(1)


def test_two_servers_share_sessions_conflicts_and_results(servers, org, base_variant, lead):
    server_a, server_b = servers
    tom = MembershipFactory(
        organisation=org, role=Role.TEAM_MEMBER, user=UserFactory(username="tom2")
    ).user
    tina = MembershipFactory(
        organisation=org, role=Role.TEAM_MEMBER, user=UserFactory(username="tina")
    ).user
    appraisal = make_appraisal(org, base_variant, target=2, not_applicable=("SAM",))
    rate_cell(appraisal, "desk", "CM", "SP 1.1", "FI", lead)
    rate_cell(appraisal, "hosting", "CM", "SP 1.1", "FI", lead)
    cell = Characterization.objects.get(
        appraisal=appraisal, sampled_instance__key="desk", process_area__acronym="CM"
    )
    desk = appraisal.instances.get(key="desk")
    cell_path = f"/a/{appraisal.code}/rate/CM/cell/{desk.pk}/SP-1.1/"
    results_path = f"/a/{appraisal.code}/results/"

    rater_a, rater_b = requests.Session(), requests.Session()
    sign_in(rater_a, server_a, tom.username)
    sign_in(rater_b, server_b, tina.username)
    # The session created on A is good on B (and the cookie jar sends it to both).
    assert (
        rater_a.get(f"{server_b}{results_path}", timeout=10, allow_redirects=False).status_code
        == 200
    )
    assert org_value(rater_b.get(f"{server_b}{results_path}", timeout=10).text) == "FI"

    grid_a = rater_a.get(f"{server_a}/a/{appraisal.code}/rate/CM/", timeout=10)
    grid_b = rater_b.get(f"{server_b}/a/{appraisal.code}/rate/CM/", timeout=10)
    stale = {"version": cell.version, "value": "PI", "note": ""}
    saved = rater_a.post(
        f"{server_a}{cell_path}",
        data={**stale, "value": "LI"},
        headers={"HX-Request": "true", "X-CSRFToken": token(grid_a.text)},
        timeout=10,
    )
    assert saved.status_code == 200, saved.text[-500:]

    refused = rater_b.post(
        f"{server_b}{cell_path}",
        data=stale,
        headers={"HX-Request": "true", "X-CSRFToken": token(grid_b.text)},
        timeout=10,
    )
    assert refused.status_code == 409
    assert "tom2 changed this rating meanwhile. It is now LI." in refused.text
    assert org_value(rater_b.get(f"{server_b}{results_path}", timeout=10).text) == "LI"
    assert org_value(rater_a.get(f"{server_a}{results_path}", timeout=10).text) == "LI"
