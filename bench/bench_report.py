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


def timed(function, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


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

    floor, _ = timed(lambda: html_to_pdf(html), runs)
    total, pdf = timed(lambda: findings_pdf(appraisal), runs)
    select, _ = timed(lambda: findings_report(appraisal), runs)
    render, _ = timed(lambda: findings_html(report), runs)
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
        "pages": pages,
        "html_kb": len(html.encode()) / 1024,
        "pdf_kb": len(pdf) / 1024,
        "queries": len(queries),
        "floor": statistics.median(floor),
        "total": statistics.median(total),
        "select": statistics.median(select),
        "render": statistics.median(render),
        "floor_all": floor,
        "total_all": total,
    }


def section(result: dict) -> str:
    ratio = result["total"] / result["floor"]
    overhead = result["total"] - result["floor"]
    ok_total = "met" if result["total"] < TARGET_TOTAL else "**missed**"
    ok_ratio = "met" if ratio < TARGET_RATIO else "**missed**"
    cpu = platform.processor() or platform.machine()
    return f"""{HEADING}

`bench/bench_report.py` (issue 5). The appraisal of `bench/dataset.py`: the full draft model
CMMI-SVC+OSM+SCON+SSD, **continuous, every PA at target CL5** (the largest report the model
allows: SG practices plus GP 2.1–5.2 for each of the 25 PAs), {result["instances"]} instances,
every required practice rated for every instance, some ranges and goal reviews left pending.
Median of {result["runs"]} runs each, after one warm-up render; Python {platform.python_version()},
{os.cpu_count()} CPU ({cpu}).

| measure | median (s) |
|---|---|
| **total**: `findings_pdf(appraisal)`, as the download view (read + rate + context + template + WeasyPrint) | **{result["total"]:.2f}** |
| **floor**: WeasyPrint alone on the same pre-built HTML (`html_to_pdf`) | **{result["floor"]:.2f}** |
| ratio total / floor | **{ratio:.3f}** ({(ratio - 1) * 100:+.1f}%) |
| overhead total − floor | {overhead:.2f} |
| of which: `findings_report` (read, rate, shape; {result["queries"]} queries) | {result["select"]:.2f} |
| of which: template rendering | {result["render"]:.2f} |

Size: {result["process_areas"]} PA sections, {result["practice_rows"]} practice rows,
{result["cells"]:,} instance values, {result["pages"]} pages, HTML {result["html_kb"]:.0f} KB,
PDF {result["pdf_kb"]:.0f} KB. Targets: total under {TARGET_TOTAL:.0f} s — {ok_total}; under
{(TARGET_RATIO - 1) * 100:.0f}% over the floor — {ok_ratio}.

All runs (s): total {", ".join(f"{t:.2f}" for t in result["total_all"])}; floor
{", ".join(f"{t:.2f}" for t in result["floor_all"])}.

How the report stays fast (see docs/reports.md): the practice × instance matrix prints one row as
three table cells, the instance values as one tab-separated text run with fixed tab stops instead
of a cell per value (WeasyPrint's time grows with boxes, about 1 ms per table cell here); flat
class selectors; one small vendored font family (WOFF, Latin subset); no Bootstrap in the PDF.
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
