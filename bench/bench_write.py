"""Benchmark of the write path and the live grid (issue 12, `make bench-write`).

Builds bench/dataset.py's full appraisal (25 PAs to CL5, 20 instances, 11,760 cells) and, beside
it, a one-PA appraisal of the same model with the same 20 instances and the same PA fully rated,
in a throwaway SQLite database (or the DATABASE_URL given with --database). Then it times
through Django's test client, DEBUG off, each as the median of several runs:

- a cell save (htmx POST) on a cell with a long history, on the full and on the one-PA appraisal;
- the grid of a PA with 20 instances, and of the same PA on an appraisal with 3 instances;
- the live grid's changes request: nothing changed (204) and one change since.

Reports median wall and CPU milliseconds, query counts and the load average.
Usage: `.venv/bin/python bench/bench_write.py [--runs N] [--history N]`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import cpu_model, measure, setup_django  # noqa: E402

PA = "REQM"  # a PA of the draft model, rated to CL5 like every other


def _one_pa_appraisal(full, lead, acronym: str, instances: int, name: str):
    """An appraisal rating only `acronym` (target CL5) with `instances` instances, rated fully."""
    from simple_history.utils import bulk_create_with_history

    from assessments import services
    from assessments.engine_input import load_catalog
    from assessments.models import Appraisal, Characterization

    catalog = load_catalog(full.variant)
    pa = catalog.process_areas[acronym]
    appraisal = services.appraisal_create(
        organisation=full.organisation,
        name=name,
        variant=full.variant,
        representation=Appraisal.Representation.CONTINUOUS,
        target_profile={acronym: full.variant.constellation.max_capability_level},
        status=Appraisal.Status.RATING,
        user=lead,
    )
    sampled = [
        services.instance_save(
            appraisal=appraisal,
            key=f"i-{n}",
            name=f"Instance {n:02d}",
            kind="service",
            process_areas=[pa],
        )
        for n in range(instances)
    ]
    practices = [sp for goal in pa.variant_goals for sp in goal.practices.all()] + [
        gp
        for gg in catalog.generic_goals
        if gg.capability_level.number >= 2
        for gp in gg.practices.all()
    ]
    rows = [
        Characterization(
            appraisal=appraisal,
            sampled_instance=instance,
            process_area=pa,
            specific_practice=None if p.code.startswith("GP") else p,
            generic_practice=p if p.code.startswith("GP") else None,
            value="FI",
            updated_by=lead,
        )
        for p in practices
        for instance in sampled
    ]
    bulk_create_with_history(rows, Characterization, default_user=lead)
    return appraisal


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="timed runs of each benchmark")
    parser.add_argument("--history", type=int, default=200, help="saves before timing a cell")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cmmisvc-bench-write-") as directory:
        setup_django(directory)
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from assessments.models import Appraisal, Characterization
        from bench import dataset

        load_before = os.getloadavg()
        full, lead = dataset.build(instances=20)
        one = _one_pa_appraisal(full, lead, PA, 20, "One PA, 20 instances")
        small = _one_pa_appraisal(full, lead, PA, 3, "One PA, 3 instances")
        cells = Characterization.objects.filter(appraisal=full).count()

        client = Client()
        client.force_login(lead)

        def cell_of(appraisal):
            row = (
                Characterization.objects.filter(
                    appraisal=appraisal,
                    process_area__acronym=PA,
                    specific_practice__goal__number=1,
                    specific_practice__number=1,
                )
                .order_by("sampled_instance__name")
                .first()
            )
            url = reverse(
                "assessments:cell",
                args=[appraisal.code, PA, row.sampled_instance_id, "SP-1.1"],
            )
            return row, url

        values = ["FI", "LI"]

        def count_queries(function) -> int:
            # Each request clears Django's query log: count at the driver instead.
            seen = []
            with connection.execute_wrapper(lambda execute, *a: seen.append(1) or execute(*a)):
                function()
            return len(seen)

        def saver(appraisal):
            row, url = cell_of(appraisal)
            state = {"n": 0, "version": row.version}

            def save():
                state["n"] += 1
                response = client.post(
                    url,
                    {"value": values[state["n"] % 2], "version": state["version"]},
                    HTTP_HX_REQUEST="true",
                )
                assert response.status_code == 200, response.status_code
                # The next save's version, from the answer (as the grid does): no query here.
                found = re.search(rb'data-version="(\d+)"', response.content)
                state["version"] = int(found.group(1))

            return save

        figures = {}
        for label, appraisal in (("full", full), ("one", one)):
            save = saver(appraisal)
            for _ in range(args.history):  # a long history on the measured cell
                save()
            figures[f"save-{label}"] = (measure(save, args.runs), count_queries(save))

        def getter(url, status):
            def get():
                response = client.get(url, HTTP_HX_REQUEST="true")
                assert response.status_code == status, (url, response.status_code)

            return get

        def timed(label, url, status=200):
            get = getter(url, status)
            figures[label] = (measure(get, args.runs), count_queries(get))

        timed("grid-20", reverse("assessments:rate_pa", args=[full.code, PA]))
        timed("grid-3", reverse("assessments:rate_pa", args=[small.code, PA]))
        changes = reverse("assessments:grid_changes", args=[full.code, PA])
        full.refresh_from_db()
        timed("changes-204", f"{changes}?since={full.revision}", 204)
        timed("changes-1", f"{changes}?since={full.revision - 1}")
        load_after = os.getloadavg()
        backend = connection.vendor
        assert Appraisal.objects.count() == 3

    def row(name, key, target=""):
        m, queries = figures[key]
        return (
            f"| {name} | {m['wall']:.1f} ms | {m['cpu']:.1f} ms | {m['min']:.1f} ms | "
            f"{queries} | {target} |"
        )

    save_ratio = figures["save-full"][0]["wall"] / figures["save-one"][0]["wall"]
    grid_ratio = figures["grid-20"][0]["wall"] / figures["grid-3"][0]["wall"]
    print(f"Write path and live grid — {datetime.date.today().isoformat()}, {backend}")
    print()
    print(f"- machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}")
    print(
        f"- load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min); "
        f"{args.runs} timed runs each after one warm-up; {args.history} saves of the measured "
        "cell before timing its save"
    )
    print(f"- data: full appraisal {cells} cells; PA {PA} (20 and 3 instances)")
    print()
    print("| request | median wall | median CPU | fastest | queries | target |")
    print("|---|---|---|---|---|---|")
    print(row("cell save, full appraisal", "save-full", "≤ 1.5× one-PA; aim 30 ms"))
    print(row("cell save, one-PA appraisal", "save-one"))
    print(row(f"grid {PA}, 20 instances", "grid-20", "≤ 2× 3 instances"))
    print(row(f"grid {PA}, 3 instances", "grid-3"))
    print(row("changes, nothing new (204)", "changes-204"))
    print(row("changes, one cell since", "changes-1"))
    print()
    print(f"- save full / one-PA: {save_ratio:.2f}× (target ≤ 1.5×)")
    print(f"- grid 20 / 3 instances: {grid_ratio:.2f}× (target ≤ 2×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
