#!/usr/bin/env python3
"""Benchmark the sample-data generator at 1M, 10M and 100M product events.

Each size runs in its own process so that its peak memory (max RSS, DuckDB included) is its own.
Prints one row per size: users, events, all raw rows, seconds, events/s, rows/s and peak memory.
Not a test: figures depend on the machine; the README records one run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = {"1M": 1_000_000, "10M": 10_000_000, "100M": 100_000_000}
CALIBRATION_USERS = 4000


def _child(path: str, users: int) -> None:
    from scorecard.sample import SampleSpec, generate

    result = generate(Path(path), SampleSpec(users=users))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": result.seconds, "rows": result.row_counts, "peak_mib": peak_kib / 1024}))


def _run(users: int, workdir: Path) -> dict:
    path = workdir / f"bench_{users}.duckdb"
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(users)], capture_output=True, text=True, check=True
    )
    path.unlink(missing_ok=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1M,10M,100M", help="comma-separated subset of 1M,10M,100M")
    parser.add_argument("--workdir", type=Path, default=None, help="where the scratch DuckDB files go")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        workdir = Path(tmp)
        calibration = _run(CALIBRATION_USERS, workdir)
        events_per_user = calibration["rows"]["events"] / CALIBRATION_USERS
        print(f"calibration: {events_per_user:.1f} events per user over the default history")
        print("| target | users | events | raw rows | seconds | events/s | rows/s | peak memory |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name in args.sizes.split(","):
            users = round(SIZES[name] / events_per_user)
            run = _run(users, workdir)
            events = run["rows"]["events"]
            rows = sum(run["rows"].values())
            seconds = run["seconds"]
            print(
                f"| {name} | {users:,} | {events:,} | {rows:,} | {seconds:.1f} | {events / seconds:,.0f} "
                f"| {rows / seconds:,.0f} | {run['peak_mib']:,.0f} MiB |",
                flush=True,
            )


if __name__ == "__main__":
    main()
