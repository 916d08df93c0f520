#!/usr/bin/env python3
"""Time the Great Expectations suites (`run_suites`) on a built warehouse.

Prints the time GX takes to import, then each suite run on its own (its table's rows, its
expectations, seconds, outcome) and every suite run together, as `scorecard check` runs them. The
warehouse is opened read-only. Not a test.

    python scripts/bench_gx.py /tmp/gx10m/w.duckdb [--as-of-moment 2026-11-16T00:00] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

SUITES = PROJECT / "checks" / "expectations"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path, help="a DuckDB file built by `dbt build`")
    parser.add_argument("--as-of-moment", default="2026-11-16T00:00", help="freshness is judged at this moment")
    parser.add_argument("--chunk-rows", type=int, default=None, help="GxSettings.chunk_rows (default: its default)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of all suites together; the best is shown")
    parser.add_argument("--docs", type=Path, default=None, help="also build Data Docs here and time it")
    args = parser.parse_args()

    started = time.perf_counter()
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    import great_expectations  # noqa: F401

    imported = time.perf_counter() - started

    import duckdb

    from scorecard.quality.gx_suites import GxSettings, load_suites, run_suites

    settings = GxSettings() if args.chunk_rows is None else GxSettings(chunk_rows=args.chunk_rows)
    moment = datetime.fromisoformat(args.as_of_moment)
    con = duckdb.connect(str(args.warehouse), read_only=True)

    def timed(suites_dir: Path, docs: Path | None = None) -> tuple[float, list]:
        began = time.perf_counter()
        results = run_suites(con, suites_dir, moment, settings, docs, PROJECT)
        return time.perf_counter() - began, results

    print(f"GX import: {imported:.2f} s\n")
    print("| suite | rows | expectations | seconds | outcome |")
    print("|---|---:|---:|---:|---|")
    alone = 0.0
    with tempfile.TemporaryDirectory() as scratch:
        for suite in load_suites(SUITES, PROJECT):
            folder = Path(scratch) / suite.name
            folder.mkdir()
            shutil.copy(SUITES / f"{suite.name}.json", folder)
            seconds, results = timed(folder)
            alone += seconds
            rows = con.execute(f"select count(*) from {suite.table}").fetchall()[0][0]
            outcome = ", ".join(f"{n} {status}" for status, n in sorted(Counter(r.status for r in results).items()))
            print(f"| {suite.name} | {rows:,} | {len(results)} | {seconds:.2f} | {outcome} |")
    runs = [timed(SUITES) for _ in range(max(1, args.repeat))]
    best, results = min(runs, key=lambda run: run[0])
    outcome = ", ".join(f"{n} {status}" for status, n in sorted(Counter(r.status for r in results).items()))
    print(f"\nsuites one by one: {alone:.2f} s")
    print(f"all suites together: {best:.2f} s (best of {len(runs)}: {', '.join(f'{s:.2f}' for s, _ in runs)})")
    print(f"{len(results)} expectations: {outcome}")
    print(f"with the GX import: {best + imported:.2f} s")
    if args.docs is not None:
        seconds, _ = timed(SUITES, args.docs)
        print(f"with Data Docs built in {args.docs}: {seconds:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process): {peak:,.0f} MiB")
    for r in results:
        if r.status != "pass":
            print(f"{r.status.upper()} {r.message}")
    con.close()


if __name__ == "__main__":
    main()
