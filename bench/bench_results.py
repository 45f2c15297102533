"""Benchmark of the results page, cold and warm cache (issue 12, `make bench-results`).

Builds bench/dataset.py's full appraisal (25 PAs to CL5, 20 instances, 11,760 cells) in a
throwaway SQLite database and times `GET /a/<code>/results/` through Django's test client as the
lead appraiser, `DEBUG` off, as the median of several runs:

- **cold**: the cached results of the appraisal's revision deleted before each run;
- **warm**: the entry the previous run stored.

The cache is the settings' local-memory one (it pickles its values as Redis does), or Redis with
`--redis URL` (keys under a prefix of their own, never flushed). `--postgres URL` (a server, e.g.
postgres://postgres@127.0.0.1:5432) uses a database `cmmisvc_bench_results` there instead of
SQLite, created afresh and dropped at the end: `bench/load.py` measures the page on PostgreSQL
and Redis.

Reports median wall and CPU milliseconds, the fastest run, the garbage collector's CPU per page
(a mean: its full collections are rare and long, so medians hide them), the query count and the
load average. `--html FILE` writes the warm page with its CSRF tokens, code and times masked (to
diff the HTML before and after a change); `--profile` prints the cProfile of one warm and one
cold page instead.

Usage: `.venv/bin/python bench/bench_results.py [--runs N] [--redis URL] [--postgres URL]
[--html FILE] [--profile]`.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import os
import platform
import pstats
import re
import subprocess  # nosec B404: psql with fixed arguments
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import PAGE_TARGET_MS, cpu_model, measure, setup_django  # noqa: E402

DATABASE = "cmmisvc_bench_results"
TOKEN = re.compile(r"[A-Za-z0-9]{64}")
# What differs from one build of the data set to the next: the appraisal's code, and the times
# of its judgments and their history.
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
WHEN = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?")


def masked(html: str) -> str:
    return WHEN.sub("<when>", UUID.sub("<code>", TOKEN.sub("<token>", html)))


@contextmanager
def collections():
    """[seconds of CPU the garbage collector took] while the block runs."""
    total, started = [0.0], []

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            started.append(time.process_time())
        elif started:
            total[0] += time.process_time() - started.pop()

    gc.callbacks.append(callback)
    try:
        yield total
    finally:
        gc.callbacks.remove(callback)


def psql(server: str, sql: str) -> None:
    subprocess.run(  # nosec B603 B607
        ["psql", f"{server}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def setup_postgres(server: str) -> None:
    """`run.setup_django` on a fresh PostgreSQL database instead of SQLite."""
    psql(server, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    psql(server, f"CREATE DATABASE {DATABASE}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cmmisvc.settings_test"
    os.environ["DEBUG"] = "false"
    os.environ["DATABASE_URL"] = f"{server}/{DATABASE}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each benchmark")
    parser.add_argument("--redis", metavar="URL", help="time against this Redis, not locmem")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server, not SQLite")
    parser.add_argument("--html", metavar="FILE", help="write the warm page, masked")
    parser.add_argument("--profile", action="store_true", help="cProfile one warm, one cold")
    args = parser.parse_args()

    if args.redis:
        os.environ["CMMISVC_TEST_SERVER"] = "1"  # settings_test keeps REDIS_URL
        os.environ["REDIS_URL"] = args.redis
        os.environ["CACHE_KEY_PREFIX"] = f"cmmisvc-bench-results-{os.getpid()}"

    with tempfile.TemporaryDirectory(prefix="cmmisvc-bench-results-") as directory:
        if args.postgres:
            setup_postgres(args.postgres.rstrip("/"))
        else:
            setup_django(directory)
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client

        from assessments import results_cache
        from assessments.engine_input import load_catalog
        from bench import dataset

        load_before = os.getloadavg()
        appraisal, lead = dataset.build(instances=20)
        appraisal.refresh_from_db()
        digest = results_cache.catalog_digest(load_catalog(appraisal.variant).model_spec())
        entry = results_cache.key(appraisal.pk, appraisal.revision, digest)

        client = Client()
        client.force_login(lead)
        url = f"/a/{appraisal.code}/results/"

        def warm():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        def cold():
            cache.delete(entry)
            return warm()

        def count_queries(function) -> int:
            # Each request clears Django's query log: count at the driver instead.
            seen = []
            with connection.execute_wrapper(lambda execute, *a: seen.append(1) or execute(*a)):
                function()
            return len(seen)

        try:
            page = cold()
            if args.html:
                Path(args.html).write_text(masked(warm().content.decode()))
            if args.profile:
                for name, function in (("warm", warm), ("cold", cold)):
                    function()
                    profiler = cProfile.Profile()
                    profiler.runcall(function)
                    print(f"--- {name} ---")
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
                    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
                return 0
            figures = {}
            for name, function in (("cold", cold), ("warm", warm)):
                with collections() as collected:
                    timing = measure(function, args.runs)
                timing["gc"] = collected[0] / (args.runs + 1) * 1000
                figures[name] = (timing, count_queries(function))
            assert cache.get(entry) is not None, "the page did not store its results"
        finally:
            if args.redis:
                cache.delete(entry)
            if args.postgres:
                connection.close()
                psql(args.postgres.rstrip("/"), f"DROP DATABASE {DATABASE} WITH (FORCE)")
        load_after = os.getloadavg()

    backend = (
        ("PostgreSQL" if args.postgres else "SQLite")
        + ", "
        + (f"Redis {args.redis}" if args.redis else "local-memory cache")
    )
    print(f"Results page, full data set — {datetime.date.today().isoformat()}, {backend}")
    print()
    print(f"- machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}")
    print(
        f"- load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min); "
        f"{args.runs} timed runs each after one warm-up; page {len(page.content) / 1024:.0f} KiB"
    )
    print()
    print("| results page | median wall | median CPU | fastest | GC per page | queries | target |")
    print("|---|---|---|---|---|---|---|")
    for name in ("cold", "warm"):
        m, queries = figures[name]
        print(
            f"| {name} cache | {m['wall']:.1f} ms | {m['cpu']:.1f} ms | {m['min']:.1f} ms | "
            f"{m['gc']:.1f} ms | {queries} | < {PAGE_TARGET_MS} ms CPU |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
