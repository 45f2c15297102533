"""Benchmark of objective evidence (issue 9): coverage in the engine, pages, PIID workbook.

Builds the appraisal of bench/dataset.py (25 PAs to CL5, 20 instances, 11,760 cells) in a
throwaway SQLite database, links about 30,000 library items to its cells, then reports:

- what coverage adds to `rating.rate` (evidence model v1.2, policy advisory) over the same
  input with the policy `off` and no evidence — target under 20 ms;
- the query counts of the grid and the results page with and without the links (fixed);
- the time to export the PIID workbook of the whole appraisal — target under 5 s.

Usage: `.venv/bin/python bench/bench_evidence.py [--runs N] [--links N]`; results go to
docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import cpu_model, measure, setup_django  # noqa: E402

COVERAGE_TARGET_MS = 20
PIID_TARGET_S = 5


def link_everything(appraisal, lead, count: int, seed: int = 9) -> int:
    """About `count` links: 600 items, each cell getting 2 or 3, some cells none."""
    from simple_history.utils import bulk_create_with_history

    from evidence.models import EvidenceItem, EvidenceLink

    rng = random.Random(seed)
    items = [
        EvidenceItem(
            organisation=appraisal.organisation,
            kind="affirmation" if n % 4 == 0 else "artifact",
            title=f"Bench item {n:04d}",
            created_by=lead,
        )
        for n in range(600)
    ]
    items = bulk_create_with_history(items, EvidenceItem, default_user=lead)
    items = list(EvidenceItem.objects.filter(organisation=appraisal.organisation))
    cells = list(
        appraisal.characterizations.values_list(
            "sampled_instance_id", "process_area_id", "specific_practice_id", "generic_practice_id"
        )
    )
    per_cell = count / len(cells)
    links, seen = [], set()
    for instance_id, pa_id, sp_id, gp_id in cells:
        n = int(per_cell) + (1 if rng.random() < per_cell - int(per_cell) else 0)
        if rng.random() < 0.03:
            n = 0  # a few uncovered cells
        for item in rng.sample(items, n):
            if (item.pk, instance_id, pa_id, sp_id, gp_id) in seen:
                continue
            seen.add((item.pk, instance_id, pa_id, sp_id, gp_id))
            links.append(
                EvidenceLink(
                    item=item,
                    appraisal=appraisal,
                    sampled_instance_id=instance_id,
                    process_area_id=pa_id,
                    specific_practice_id=sp_id,
                    generic_practice_id=gp_id,
                    pii=rng.choice(["direct", "indirect", ""]) if item.is_artifact else "",
                    created_by=lead,
                )
            )
    EvidenceLink.objects.bulk_create(links, batch_size=2000)
    return len(links)


def queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--links", type=int, default=30_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cmmisvc-bench-evidence-") as directory:
        setup_django(directory)
        from django.db.models import F
        from django.test import Client

        from assessments import engine_input, rating
        from assessments.models import Appraisal
        from bench import dataset
        from evidence import piid

        appraisal, lead = dataset.build(instances=20)
        client = Client()
        client.force_login(lead)
        grid = f"/a/{appraisal.code}/rate/IRM/"
        results_url = f"/a/{appraisal.code}/results/"
        before = {"grid": queries(client, grid), "results": queries(client, results_url)}

        made = link_everything(appraisal, lead, args.links)
        # The links went in by bulk_create, past the services: raise the revision as every
        # write through them does, or the pages below would serve the cached results and
        # progress of the appraisal without links.
        Appraisal.objects.filter(pk=appraisal.pk).update(
            evidence_model="v1.2", revision=F("revision") + 1
        )
        appraisal.refresh_from_db()
        after = {"grid": queries(client, grid), "results": queries(client, results_url)}

        state = engine_input.load_appraisal_state(appraisal)
        model = state.catalog.model_spec()
        with_evidence = state.engine_input
        without = dataclasses.replace(with_evidence, coverage_policy="off", evidence={})
        plain = measure(lambda: rating.rate(model, without), args.runs)
        covered = measure(lambda: rating.rate(model, with_evidence), args.runs)
        uncovered = len(rating.rate(model, with_evidence).uncovered)

        started, cpu_started = time.perf_counter(), time.process_time()
        workbook = piid.export_workbook(appraisal)
        piid_seconds = time.perf_counter() - started
        piid_cpu = time.process_time() - cpu_started

    added = covered["wall"] - plain["wall"]
    added_cpu = covered["cpu"] - plain["cpu"]
    grid_ok = after["grid"] - before["grid"] <= 1
    results_ok = after["results"] - before["results"] <= 1

    def met(ok: bool) -> str:
        return "yes" if ok else "NO"

    load = os.getloadavg()[0]
    rows = [
        (
            "`rating.rate`, policy off, no evidence",
            f"{plain['wall']:.1f} ms (CPU {plain['cpu']:.1f} ms)",
            "",
            "",
        ),
        (
            f"`rating.rate`, advisory, {made} links",
            f"{covered['wall']:.1f} ms (CPU {covered['cpu']:.1f} ms)",
            "",
            "",
        ),
        (
            "coverage adds (CPU)",
            f"{added:.1f} ms ({added_cpu:.1f} ms)",
            f"< {COVERAGE_TARGET_MS} ms",
            met(added_cpu < COVERAGE_TARGET_MS),
        ),
        (
            "grid page queries, without → with links",
            f"{before['grid']} → {after['grid']}",
            "fixed",
            met(grid_ok),
        ),
        (
            "results page queries, without → with links",
            f"{before['results']} → {after['results']}",
            "fixed",
            met(results_ok),
        ),
        (
            f"PIID workbook export ({len(workbook) // 1024} KB)",
            f"{piid_seconds:.2f} s (CPU {piid_cpu:.2f} s)",
            f"< {PIID_TARGET_S} s",
            met(piid_cpu < PIID_TARGET_S),
        ),
    ]
    print(f"- machine: {os.cpu_count()} cores, {cpu_model()}, load {load:.1f}")
    print(f"- links: {made} to 11,760 cells (evidence model v1.2); uncovered cells: {uncovered}")
    print()
    print("| benchmark | value | target | met |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
