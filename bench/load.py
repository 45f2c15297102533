"""Load test (issue 12, point 5; `make bench-load`, docs/benchmarks.md "Load test and cache").

1. Creates the PostgreSQL database `cmmisvc_bench_load` (dropped first when it exists), migrates
   it and builds the full data set of bench/dataset.py (25 PAs to CL5, 20 instances, 11,760
   cells), plus one team member per rater.
2. Measures the results page in this process, through Django's test client: cold (no cached
   results: the entry is deleted before each run) and warm (the entry from the previous run).
3. Starts gunicorn (`--workers` sync workers, default one per core) with REDIS_URL, then for each
   client count (8 and 16) runs that many raters in threads for `--seconds` (20): each signs in
   with its own `requests` session and saves cells of its own instance in turn through the grid's
   htmx POST (`version`, `value`, `note`), taking the next version from the answer. Reports saves
   per second, p50/p95 of the round trip, errors (anything but 200) and the gunicorn workers' CPU
   per save.
4. Runs pgbench on the same server at the same client counts: `UPDATE` of one row by random id in
   a 1,000-row table (`pgbench -n -f script -c N -j N -T seconds`), and prints the ratio.

Usage: `.venv/bin/python bench/load.py [--clients 8 16] [--seconds 20] [--workers N]
[--port 8150] [--keep]` (PostgreSQL at BENCH_PG, default postgres://postgres@127.0.0.1:5432;
Redis at BENCH_REDIS_URL, default redis://127.0.0.1:6379/15). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import statistics
import subprocess  # nosec B404: starts gunicorn, psql and pgbench with fixed arguments
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = "cmmisvc_bench_load"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
PREFIX = "cmmisvc-bench-load"
PASSWORD = "bench-password"  # nosec B105: a throwaway benchmark database
SAVES_TARGET = 0.03  # of pgbench's raw single-row UPDATE rate
P95_TARGET_MS = 250


def server_env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmmisvc.settings_test",
        "CMMISVC_TEST_SERVER": "1",  # settings_test keeps REDIS_URL
        "DATABASE_URL": f"{PG}/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": PREFIX,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }


def psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(  # nosec B603 B607
        ["psql", f"{PG}/{database}", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def setup_database(raters: int):
    """Fresh database, migrated, with the data set and `raters` team members."""
    psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    psql(f"CREATE DATABASE {DATABASE}")
    os.environ.update(server_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from assessments import services
    from assessments.models import Role
    from bench import dataset

    call_command("migrate", verbosity=0)
    appraisal, lead = dataset.build()
    users = []
    for n in range(1, raters + 1):
        user = get_user_model().objects.create_user(f"rater-{n:02d}", password=PASSWORD)
        services.membership_set(
            organisation=appraisal.organisation, user=user, role=Role.TEAM_MEMBER
        )
        users.append(user.username)
    return appraisal, lead, users


def cells_of(appraisal) -> dict[int, list[list]]:
    """Per instance pk: [acronym, practice slug, version] of each of its cells. The raters update
    the versions in place, so a later run with more clients goes on from them."""
    from assessments.models import Characterization

    rows = (
        Characterization.objects.filter(appraisal=appraisal)
        .select_related("process_area", "specific_practice__goal", "generic_practice__generic_goal")
        .order_by("sampled_instance_id", "pk")
    )
    cells: dict[int, list[list]] = {}
    for row in rows:
        slug = row.practice_code.replace(" ", "-")
        cells.setdefault(row.sampled_instance_id, []).append(
            [row.process_area.acronym, slug, row.version]
        )
    return cells


def measure_results_page(appraisal, lead, runs: int) -> dict[str, dict[str, float]]:
    """The results page through the test client: cold (entry deleted) and warm, wall and CPU."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.force_login(lead)
    url = f"/a/{appraisal.code}/results/"
    assert client.get(url).status_code == 200
    out = {}
    from assessments import results_cache
    from assessments.engine_input import load_catalog

    appraisal.refresh_from_db()
    digest = results_cache.catalog_digest(load_catalog(appraisal.variant).model_spec())
    entry = results_cache.key(appraisal.pk, appraisal.revision, digest)
    for name, clear in (("cold", True), ("warm", False)):
        walls, cpus = [], []
        for _ in range(runs):
            if clear:
                cache.delete(entry)
            wall, cpu = time.perf_counter(), time.process_time()
            assert client.get(url).status_code == 200
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
        assert cache.get(entry) is not None, "the page did not store its results"
        out[name] = {"wall": statistics.median(walls) * 1000, "cpu": statistics.median(cpus) * 1000}
    return out


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the processes so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def start_gunicorn(port: int, workers: int, log: Path) -> subprocess.Popen:
    import socket

    import requests

    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise SystemExit(f"port {port} is taken: choose another with --port") from None
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "cmmisvc.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--no-control-socket",
    ]
    with log.open("w") as out:
        process = subprocess.Popen(  # nosec B603
            command, cwd=ROOT, env=server_env(), stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=5).ok:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


def csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html
    )
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


class Rater(threading.Thread):
    """Signs in, then saves its own cells in turn until `stop` is set."""

    def __init__(self, server, code, username, cells, start_event, stop_event):
        super().__init__(daemon=True)
        import requests

        self.session = requests.Session()
        self.server, self.code, self.username = server, code, username
        self.cells = cells  # shared [acronym, slug, version] lists: versions updated in place
        self.start_event, self.stop_event = start_event, stop_event
        self.times: list[float] = []
        self.errors: list[str] = []
        self.instance = 0
        self.token = ""

    def sign_in(self, instance: int) -> None:
        self.instance = instance
        page = self.session.get(f"{self.server}/accounts/login/", timeout=30)
        response = self.session.post(
            f"{self.server}/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf(page.text),
            },
            timeout=30,
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in: {response.status_code}")
        acronym = self.cells[0][0]
        grid = self.session.get(f"{self.server}/a/{self.code}/rate/{acronym}/", timeout=60)
        self.token = csrf(grid.text)

    def run(self) -> None:
        self.start_event.wait()
        n = 0
        while not self.stop_event.is_set():
            cell = self.cells[n % len(self.cells)]
            acronym, slug, version = cell
            value = "LI" if n // len(self.cells) % 2 == 0 else "FI"
            url = f"{self.server}/a/{self.code}/rate/{acronym}/cell/{self.instance}/{slug}/"
            started = time.perf_counter()
            try:
                response = self.session.post(
                    url,
                    data={"version": version, "value": value, "note": ""},
                    headers={"HX-Request": "true", "X-CSRFToken": self.token},
                    timeout=60,
                )
            except Exception as error:  # counted, not fatal: the report shows errors
                self.errors.append(repr(error))
                continue
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                self.errors.append(f"{response.status_code} {url}")
            else:
                self.times.append(elapsed)
                found = re.search(
                    rf'id="cell-{self.instance}-{re.escape(slug)}"[^>]*?data-version="(\d+)"',
                    response.text,
                )
                cell[2] = int(found.group(1)) if found else version + 1
            n += 1


def run_load(server, appraisal, users, cells, clients, seconds, pids):
    instances = sorted(cells)
    start, stop = threading.Event(), threading.Event()
    raters = []
    for i in range(clients):
        instance = instances[i % len(instances)]
        # Raters sharing an instance (more than 20) take alternate cells of it.
        mine = cells[instance][i // len(instances) :: 1 + (clients - 1) // len(instances)]
        rater = Rater(server, appraisal.code, users[i], mine, start, stop)
        rater.sign_in(instance)
        raters.append(rater)
    for rater in raters:
        rater.start()
    cpu_before = cpu_seconds(pids)  # after the sign-ins and grid loads
    began = time.perf_counter()
    start.set()
    time.sleep(seconds)
    stop.set()
    for rater in raters:
        rater.join(timeout=120)
    elapsed = time.perf_counter() - began
    cpu = cpu_seconds(pids) - cpu_before
    times = sorted(t for r in raters for t in r.times)
    errors = [e for r in raters for e in r.errors]
    return {
        "saves": len(times),
        "rate": len(times) / elapsed,
        "p50": statistics.median(times) * 1000 if times else float("nan"),
        "p95": times[int(0.95 * (len(times) - 1))] * 1000 if times else float("nan"),
        "errors": len(errors),
        "first_errors": errors[:3],
        "cpu_per_save": cpu / len(times) * 1000 if times else float("nan"),
    }


def pgbench(clients: int, seconds: int, script: Path) -> float:
    out = subprocess.run(  # nosec B603 B607
        [
            "pgbench",
            "-n",
            "-f",
            str(script),
            "-c",
            str(clients),
            "-j",
            str(clients),
            "-T",
            str(seconds),
            f"{PG}/{DATABASE}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = re.search(r"tps = ([\d.]+)", out)
    return float(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--seconds", type=int, default=20)
    # One sync worker per core: a save is CPU work, and PostgreSQL and the raters share the
    # cores (docs/benchmarks.md compares with 2 × cores + 1).
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--page-runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    load_start = os.getloadavg()
    appraisal, lead, users = setup_database(max(args.clients))
    cells = cells_of(appraisal)
    page = measure_results_page(appraisal, lead, args.page_runs)
    from django.db import connections

    connections.close_all()

    psql("CREATE TABLE bench_rows (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)", DATABASE)
    psql("INSERT INTO bench_rows (id) SELECT generate_series(1, 1000)", DATABASE)
    rows = []
    with tempfile.TemporaryDirectory(prefix="cmmisvc-load-") as directory:
        script = Path(directory) / "update.sql"
        script.write_text(
            "\\set id random(1, 1000)\nUPDATE bench_rows SET n = n + 1 WHERE id = :id;\n"
        )
        gunicorn = start_gunicorn(args.port, args.workers, Path(directory) / "gunicorn.log")
        try:
            server = f"http://127.0.0.1:{args.port}"
            pids = worker_pids(gunicorn.pid)
            for clients in args.clients:
                result = run_load(server, appraisal, users, cells, clients, args.seconds, pids)
                result["load"] = os.getloadavg()[0]
                result["raw"] = pgbench(clients, args.seconds, script)
                result["clients"] = clients
                rows.append(result)
                print(f"{clients} clients: {result}", file=sys.stderr)
        finally:
            gunicorn.terminate()  # the master stops its workers (SIGKILL would orphan them)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
    if not args.keep:
        psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")

    today = datetime.date.today().isoformat()
    print(
        f"Run of {today}, {os.cpu_count()} cores, gunicorn {args.workers} sync workers, "
        f"PostgreSQL and Redis on the same machine; load average before "
        f"{load_start[0]:.1f}.\n"
    )
    print(
        "| clients | saves/s | p50 | p95 | errors | worker CPU per save | pgbench UPDATE/s | "
        "ratio | load avg | targets met |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = r["rate"] / r["raw"]
        met = ratio >= SAVES_TARGET and r["p95"] < P95_TARGET_MS and r["errors"] == 0
        print(
            f"| {r['clients']} | {r['rate']:.1f} | {r['p50']:.0f} ms | {r['p95']:.0f} ms | "
            f"{r['errors']} | {r['cpu_per_save']:.0f} ms | {r['raw']:.0f} | {ratio:.2%} | "
            f"{r['load']:.1f} | {'yes' if met else 'no'} |"
        )
    print("\n| results page (in process, full data set) | median wall | median CPU |")
    print("|---|---|---|")
    for name in ("cold", "warm"):
        print(f"| {name} cache | {page[name]['wall']:.0f} ms | {page[name]['cpu']:.0f} ms |")
    print(f"\nLoad average after: {os.getloadavg()[0]:.1f}.")
    return 0 if all(r["errors"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
