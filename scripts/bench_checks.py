#!/usr/bin/env python3
"""Benchmark the data-quality checks against the `dbt build` they guard.

In one process per size, the way `scorecard run` does it (dbt in-process, so dbt's import and parse
are paid once, by the build): generate the sample, time `dbt build --exclude tag:data_quality` (the
models and their schema tests: a build without the data-quality work), then time what the checks add:
the data-quality tests (`dbt test --select tag:data_quality`, which `dbt build` runs) and the rest of
the checks step (source freshness, GX suites with Data Docs, anomaly detection, writing dq_results,
rebuilding kpi_status). Prints a Markdown table. Not a test.

    python scripts/bench_checks.py --sizes 1M,10M
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

AS_OF = date(2026, 11, 15)
EVENTS_PER_USER = 113.3  # as in bench_kpis.py: bench_generate.py's calibration over the default history
PARTS = ["dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs"]


def users_for(size: str) -> int:
    scale = {"K": 1_000, "M": 1_000_000}[size[-1].upper()]
    return round(float(size[:-1]) * scale / EVENTS_PER_USER)


def dbt(project: Path, warehouse: Path, *args: str) -> float:
    from scorecard.dbt import run_dbt

    started = time.perf_counter()
    run_dbt(project, warehouse, list(args), as_of=AS_OF, allow_failures=True)
    return time.perf_counter() - started


def measure(size: str) -> dict:
    from scorecard.quality.check import run_checks
    from scorecard.quality.gx_suites import preload
    from scorecard.sample import SampleSpec, generate

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        for part in PARTS:
            os.symlink(PROJECT / part, project / part)
        warehouse = Path(tmp) / "bench.duckdb"
        os.environ["SCORECARD_DUCKDB"] = str(warehouse)
        result = generate(warehouse, SampleSpec(users=users_for(size), as_of=AS_OF))
        preload()  # as `scorecard run` does: GX's import passes while dbt builds
        build = dbt(project, warehouse, "build", "--exclude", "tag:data_quality")
        dq_tests = dbt(project, warehouse, "test", "--select", "tag:data_quality")
        started = time.perf_counter()
        outcome = run_checks(project, AS_OF, run_dbt_tests=False)
        rest = time.perf_counter() - started
    return {
        "events": result.row_counts["events"],
        "build": build,
        "dq_tests": dq_tests,
        "rest": rest,
        "statuses": Counter(r.status for r in outcome.results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10M", help="comma-separated event counts, e.g. 1M,10M")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one size in this process; print its figures as JSON for the parent
        row = measure(args.child)
        print("RESULT " + json.dumps({**row, "statuses": dict(row["statuses"])}))
        return
    sizes = args.sizes.split(",")
    rows = [_measure_in_child(size) for size in sizes]
    print("| events | dbt build without checks | data-quality tests | freshness, GX, anomalies, write | added |")
    print("|---:|---:|---:|---:|---:|")
    for row in rows:
        added = (row["dq_tests"] + row["rest"]) / row["build"]
        print(
            f"| {row['events']:,} | {row['build']:.1f} s | {row['dq_tests']:.1f} s | {row['rest']:.1f} s "
            f"| {added:.0%} |"
        )
    for size, row in zip(sizes, rows, strict=True):
        print(f"{size}: check statuses {dict(row['statuses'])}")


def _measure_in_child(size: str) -> dict:
    """Each size in a fresh process, so one size's imports and caches do not flatter the next."""
    completed = subprocess.run([sys.executable, __file__, "--child", size], capture_output=True, text=True)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    if completed.returncode != 0 or not lines:
        sys.exit(f"measuring {size} failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")
    return json.loads(lines[-1].removeprefix("RESULT "))


if __name__ == "__main__":
    main()
