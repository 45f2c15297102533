"""Benchmarks of the rating engine and the results page (`make bench`, docs/benchmarks.md).

Builds, in a throwaway SQLite database, the appraisal of bench/dataset.py: the full draft model
(CMMI-SVC+OSM+SCON+SSD, 25 PAs), continuous with every PA at target CL5 so that every generic
practice up to GG5 is required, and 20 instances that rate every required practice. Then it
times, each as the median of several runs:

- the engine: `rating.rate(model, appraisal)` on plain data built once (no database);
- the adapter: `load_appraisal_state`, i.e. the queries plus the engine;
- the results page end to end through Django's test client (middleware, session, access checks,
  queries, rating, template), with its query count.

Wall-clock and CPU times are both reported: on a shared machine the CPU time of this process is
the steadier figure. Usage: `.venv/bin/python bench/run.py [--runs N] [--instances N]`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE_TARGET_MS = 20
PAGE_TARGET_MS = 150


def setup_django(directory: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cmmisvc.settings_test"
    # Production-like: no query log, cached templates (the Makefile exports DEBUG=true).
    os.environ["DEBUG"] = "false"
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def measure(function: Callable[[], object], runs: int) -> dict[str, float]:
    """Median wall-clock and CPU milliseconds of `runs` calls, after one warm-up call."""
    function()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return {
        "wall": statistics.median(walls) * 1000,
        "cpu": statistics.median(cpus) * 1000,
        "min": min(walls) * 1000,
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31, help="timed runs of each benchmark")
    parser.add_argument("--instances", type=int, default=20, help="sampled instances")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cmmisvc-bench-") as directory:
        setup_django(directory)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from assessments import engine_input, rating
        from bench import dataset

        load_before = os.getloadavg()
        started = time.perf_counter()
        appraisal, lead = dataset.build(instances=args.instances)
        build_seconds = time.perf_counter() - started

        catalog = engine_input.load_catalog(appraisal.variant)
        state = engine_input.load_appraisal_state(appraisal, catalog=catalog)
        model = catalog.model_spec()
        plain = engine_input.appraisal_input(
            appraisal,
            state.scope_items,
            state.coverage,
            state.values,
            {i.pk: i.key for i in state.instances},
            state.practice_judgments,
            state.goal_judgments,
        )
        results = rating.rate(model, plain)
        required = sum(len(pa.practices) for pa in results.process_areas.values())

        engine = measure(lambda: rating.rate(model, plain), args.runs)
        adapter = measure(lambda: engine_input.load_appraisal_state(appraisal), args.runs)
        with CaptureQueriesContext(connection) as captured:
            engine_input.load_appraisal_state(appraisal)
        adapter_queries = len(captured)  # now: each request clears the query log

        client = Client()
        client.force_login(lead)
        url = f"/a/{appraisal.code}/results/"
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        page_queries = len(captured)
        page = measure(lambda: client.get(url), args.runs)
        load_after = os.getloadavg()

    today = datetime.date.today().isoformat()
    engine_ok = "yes" if engine["wall"] < ENGINE_TARGET_MS else "NO"
    page_ok = "yes" if page["wall"] < PAGE_TARGET_MS else "NO"
    print(f"Rating engine and results page — {today}")
    print()
    print(f"- machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}")
    print(
        f"- load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after "
        f"(1 min); {args.runs} timed runs each, after one warm-up"
    )
    print(
        f"- data: {len(results.process_areas)} PAs, {required} required practices, "
        f"{args.instances} instances, {len(plain.characterizations)} characterizations, "
        f"{len(state.practice_judgments)} practice and {len(state.goal_judgments)} goal "
        f"judgments (built in {build_seconds:.1f} s)"
    )
    print(
        f"- results: equivalent ML{results.equivalent_maturity_level}, "
        f"{len(results.pending)} pending, {len(results.reviews)} to review, "
        f"{len(results.blockers)} blockers; page {size / 1024:.0f} KiB"
    )
    print()
    print("| benchmark | median wall | median CPU | fastest | queries | target | met |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| engine `rating.rate` | {engine['wall']:.1f} ms | {engine['cpu']:.1f} ms | "
        f"{engine['min']:.1f} ms | 0 | < {ENGINE_TARGET_MS} ms | {engine_ok} |"
    )
    print(
        f"| adapter `load_appraisal_state` | {adapter['wall']:.1f} ms | {adapter['cpu']:.1f} ms | "
        f"{adapter['min']:.1f} ms | {adapter_queries} | | |"
    )
    print(
        f"| results page `GET {'/a/<code>/results/'}` | {page['wall']:.1f} ms | "
        f"{page['cpu']:.1f} ms | {page['min']:.1f} ms | {page_queries} | "
        f"< {PAGE_TARGET_MS} ms | {page_ok} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
