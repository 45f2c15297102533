"""Benchmark of the exchange file round trip on the full data set (issue 12 point 6).

Builds the appraisal of bench/dataset.py (25 PAs to CL5, 20 instances, 11,760 characterizations
and their judgments), then times, each as the median of several runs after one warm-up:

- the **export**: `export_appraisal` and `dumps`, i.e. the JSON text of the whole appraisal;
- the **import**: `load_exchange_file` on that text and `import_appraisal` into a new appraisal
  (every check, then the one transaction that writes the rows and their history rows) — target
  under 3 s in-process. Each run imports under a new appraisal name, so every run really writes.

SQLite (a throwaway file) by default; `--postgres` uses
postgres://postgres@127.0.0.1:5432/cmmisvc_bench_import (created, migrated and emptied first).
Wall-clock and CPU time of this process are both reported, with the load average: the database
server's own CPU time is in the wall time only. Usage:
`.venv/bin/python bench/bench_import.py [--runs N] [--instances N] [--postgres]`.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import cpu_model, setup_django  # noqa: E402

IMPORT_TARGET_S = 3
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/cmmisvc_bench_import"


def setup_postgres() -> None:
    """A fresh benchmark database on the local PostgreSQL, migrated."""
    import psycopg2

    name = POSTGRES_URL.rsplit("/", 1)[1]
    conn = psycopg2.connect(POSTGRES_URL.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    os.environ["DJANGO_SETTINGS_MODULE"] = "cmmisvc.settings_test"
    os.environ["DEBUG"] = "false"
    os.environ["DATABASE_URL"] = POSTGRES_URL
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(function, runs: int) -> tuple[dict[str, float], object]:
    """Median wall and CPU seconds of `runs` calls after one warm-up, and the last result."""
    result = function()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "min": min(walls),
    }, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each benchmark")
    parser.add_argument("--instances", type=int, default=20, help="sampled instances")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cmmisvc-bench-import-") as directory:
        if args.postgres:
            setup_postgres()
        else:
            setup_django(directory)
        from django.db import connection

        from assessments.exchange import dumps, export_appraisal, import_appraisal
        from assessments.exchange import load_exchange_file as load
        from assessments.models import Characterization
        from bench import dataset

        load_before = os.getloadavg()
        started = time.perf_counter()
        appraisal, lead = dataset.build(instances=args.instances)
        build_seconds = time.perf_counter() - started

        export, text = timed(lambda: dumps(export_appraisal(appraisal)), args.runs)
        runs = iter(range(10_000))

        def import_once():
            data = load(io.StringIO(text))
            data["appraisal"]["name"] = f"Imported benchmark appraisal {next(runs)}"
            return import_appraisal(data, organisation=appraisal.organisation, user=lead)

        imported, copy = timed(import_once, args.runs)
        load_after = os.getloadavg()
        cells = Characterization.objects.filter(appraisal=copy).count()
        history = Characterization.history.filter(appraisal_id=copy.pk).count()
        assert cells == appraisal.characterizations.count() == history, (cells, history)
        vendor = connection.vendor
        version = (
            ".".join(map(str, connection.Database.sqlite_version_info))
            if (vendor == "sqlite")
            else str(connection.pg_version)
        )

    ok = "yes" if imported["wall"] < IMPORT_TARGET_S else "NO"
    print(f"Import (issue 12) — {time.strftime('%Y-%m-%d')}, {vendor} {version}")
    print()
    print(f"- machine: {os.cpu_count()} cores, {cpu_model()}")
    print(
        f"- load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min); "
        f"{args.runs} timed runs each, after one warm-up"
    )
    print(
        f"- data: {args.instances} instances, {cells} characterizations with {history} history "
        f"rows; file {len(text.encode()) / 1024:.0f} KiB (built in {build_seconds:.1f} s)"
    )
    print()
    print("| benchmark | median wall | median CPU | fastest | target | met |")
    print("|---|---|---|---|---|---|")
    print(
        f"| export (`export_appraisal` + `dumps`) | {export['wall']:.2f} s | {export['cpu']:.2f} s "
        f"| {export['min']:.2f} s | | |"
    )
    print(
        f"| import (`load_exchange_file` + `import_appraisal`) | {imported['wall']:.2f} s | "
        f"{imported['cpu']:.2f} s | {imported['min']:.2f} s | < {IMPORT_TARGET_S} s | {ok} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
