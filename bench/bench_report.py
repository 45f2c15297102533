"""Benchmark of the findings report PDF (issue 5): the whole report against WeasyPrint's floor.

    .venv/bin/python bench/bench_report.py [--runs 5] [--instances 20] [--write]

Builds the benchmark appraisal of bench/dataset.py (the full draft model CMMI-SVC+OSM+SCON+SSD,
continuous, every PA at target CL5, every required practice rated for every instance) in a
throwaway SQLite database, then times

* total: `reports.documents.findings_pdf(appraisal)`, what the download view does: read the
  appraisal, rate it, build the report context, render the template, WeasyPrint;
* floor: WeasyPrint alone (`reports.pdf.html_to_pdf`) on the same HTML, built once beforehand.

It prints medians, the ratio total/floor and a breakdown; `--write` puts them into the
"Findings report (PDF)" section of docs/benchmarks.md, leaving the file's other sections alone.
Targets (issue 5): total under 5 s, under 20% over the floor.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Findings report (PDF)"
TARGET_TOTAL = 5.0
TARGET_RATIO = 1.20


def setup_django(database: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cmmisvc.settings_test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(function) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds of one call, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure(runs: int, instances: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from bench.dataset import build
    from reports.documents import findings_html, findings_pdf
    from reports.pdf import html_to_pdf
    from reports.selectors import findings_report

    appraisal, _ = build(instances=instances)
    findings_pdf(appraisal)  # warm up: imports, template loading, fontconfig
    report = findings_report(appraisal)
    html = findings_html(report)

    # Alternate the two measures so that a change in the machine's load hits both alike.
    floor, floor_cpu, total, total_cpu, select, render = [], [], [], [], [], []
    load = os.getloadavg()[0]
    pdf = b""
    for _ in range(runs):
        wall, cpu, _ = timed(lambda: html_to_pdf(html))
        floor.append(wall)
        floor_cpu.append(cpu)
        wall, cpu, pdf = timed(lambda: findings_pdf(appraisal))
        total.append(wall)
        total_cpu.append(cpu)
        select.append(timed(lambda: findings_report(appraisal))[0])
        render.append(timed(lambda: findings_html(report))[0])
    load = max(load, os.getloadavg()[0])
    with CaptureQueriesContext(connection) as queries:
        findings_report(appraisal)
    pages = len(PdfReader(BytesIO(pdf)).pages)
    rows = sum(len(goal.practices) for detail in report.details for goal in detail.goals)
    return {
        "runs": runs,
        "instances": instances,
        "process_areas": len(report.details),
        "practice_rows": rows,
        "cells": sum(
            len(detail.columns) * len(goal.practices)
            for detail in report.details
            for goal in detail.goals
        ),
        "grid_lines": sum(
            goal.grid.count("\n") + 1
            for detail in report.details
            for goal in detail.goals
            if goal.practices
        ),
        "pages": pages,
        "html_kb": len(html.encode()) / 1024,
        "pdf_kb": len(pdf) / 1024,
        "queries": len(queries),
        "floor": statistics.median(floor),
        "total": statistics.median(total),
        "floor_cpu": statistics.median(floor_cpu),
        "total_cpu": statistics.median(total_cpu),
        "load": load,
        "select": statistics.median(select),
        "render": statistics.median(render),
        "floor_all": floor,
        "total_all": total,
        "pair_ratio": statistics.median(t / f for t, f in zip(total, floor, strict=True)),
        "floor_min": min(floor),
        "total_min": min(total),
    }


def section(result: dict) -> str:
    import weasyprint

    ratio = result["total"] / result["floor"]
    pair = result["pair_ratio"]
    overhead = result["total"] - result["floor"]
    ok_total = "met" if result["total"] < TARGET_TOTAL else "**missed**"
    ok_ratio = "met" if pair < TARGET_RATIO else "**missed**"
    cpu = platform.processor() or platform.machine()
    rows = [
        ("measure", "median (s)"),
        ("---", "---"),
        (
            "**total**: `findings_pdf(appraisal)`, as the download view "
            "(read + rate + context + template + WeasyPrint)",
            f"**{result['total']:.2f}**",
        ),
        (
            "**floor**: WeasyPrint alone on the same pre-built HTML (`html_to_pdf`)",
            f"**{result['floor']:.2f}**",
        ),
        (
            "**ratio** total / floor, median of the run-by-run ratios",
            f"**{pair:.3f}** ({(pair - 1) * 100:+.1f}%)",
        ),
        ("ratio of the medians", f"{ratio:.3f}"),
        (
            "best of the runs: total / floor (ratio)",
            f"{result['total_min']:.2f} / {result['floor_min']:.2f} "
            f"({result['total_min'] / result['floor_min']:.3f})",
        ),
        (
            "CPU time of the process: total / floor",
            f"{result['total_cpu']:.2f} / {result['floor_cpu']:.2f}",
        ),
        ("overhead total − floor", f"{overhead:.2f}"),
        (
            f"of which: `findings_report` (read, rate, shape; {result['queries']} queries)",
            f"{result['select']:.2f}",
        ),
        ("of which: template rendering", f"{result['render']:.2f}"),
    ]
    table = "\n".join(f"| {a} | {b} |" for a, b in rows)
    return f"""{HEADING}

`bench/bench_report.py` (issue 5). The appraisal of `bench/dataset.py`: the full draft model
CMMI-SVC+OSM+SCON+SSD, **continuous, every PA at target CL5** (the largest report the model
allows: SG practices plus GP 2.1–5.2 for each of the 25 PAs), {result["instances"]} instances,
every required practice rated for every instance, some ranges and goal reviews left pending.
Median of {result["runs"]} runs each, alternating, after one warm-up render; Python
{platform.python_version()}, WeasyPrint {weasyprint.__version__}, {os.cpu_count()} CPU ({cpu}),
load average {result["load"]:.1f} (other sessions share the machine: the CPU-time row is the figure
that does not depend on them).

{table}

Size: {result["process_areas"]} PA sections, {result["practice_rows"]} practice rows,
{result["cells"]:,} instance values, {result["pages"]} pages, HTML {result["html_kb"]:.0f} KB,
PDF {result["pdf_kb"]:.0f} KB. Targets: total under {TARGET_TOTAL:.0f} s — {ok_total}; under
{(TARGET_RATIO - 1) * 100:.0f}% over the floor — {ok_ratio}. Each run times the floor and then the
total back to back, so their ratio compares like with like when other sessions load the machine;
the median of those ratios is the figure held against the target.

All runs (s): total {", ".join(f"{t:.2f}" for t in result["total_all"])}; floor
{", ".join(f"{t:.2f}" for t in result["floor_all"])}.

How the report stays fast (docs/reports.md has the details): WeasyPrint spends about a
millisecond per table cell on this machine and computes six pseudo-element styles per element, so
the practice × instance matrix is not a table but, per goal, one `<pre>` of monospaced lines built
in `reports/selectors/rows.py` (`Grid`): {result["cells"]:,} values in {result["grid_lines"]} lines
instead of {result["practice_rows"] * (result["instances"] + 3):,} table cells. Goal
ratings sit inline (a float costs 0.2 s over 178 goals); the contents use a floated page number,
not `leader()` (0.25 s) nor dotted borders (drawn dot by dot); the pending list shows value
counts, not every instance's value; one small vendored font family per style (WOFF, Latin subset);
no Bootstrap in the PDF. The remaining overhead over the floor is reading and rating the appraisal
(a fixed number of queries) and the template, which only loops over pre-built rows.
"""


def write_section(text: str) -> None:
    """Replace our section of docs/benchmarks.md (or append it), keeping the others."""
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    lines = current.splitlines(keepends=True)
    start = next((n for n, line in enumerate(lines) if line.strip() == HEADING), None)
    if start is None:
        updated = current.rstrip("\n") + "\n\n" + text
    else:
        end = next(
            (n for n in range(start + 1, len(lines)) if lines[n].startswith("## ")), len(lines)
        )
        tail = "".join(lines[end:])
        updated = "".join(lines[:start]) + text + ("\n" + tail if tail else "")
    DOC.write_text(updated, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--instances", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        result = measure(args.runs, args.instances)
    text = section(result)
    print(text)
    if args.write:
        write_section(text)
        print(f"Updated {DOC.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
