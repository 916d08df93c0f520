#!/usr/bin/env python3
"""Benchmark `scorecard diff` on a change to one metric, against building that metric's models once.

Steps (the first two not timed):
  1. the sample at the chosen size (default 10M events) generated and built with `dbt run`, unless
     --warehouse names one already built;
  2. a scratch git repository holding the project, and a working-tree change to one measure of
     d7_retention (`retained_d7_users` counts only users also active on day 1);
  3. timed: `dbt run --full-refresh` of the models that compute that metric (its semantic model's KPI
     model and the shared KPI tables), from the scratch project with a warm partial parse, i.e. what
     building that metric's models once costs;
  4. timed: `scorecard diff --base HEAD` (both revisions parsed, both built into scratch databases
     with state selection and --defer, values compared, key results scored under both).
Prints a Markdown table. Not a test: figures depend on the machine; the README records one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

BIN = Path(sys.executable).parent
AS_OF = "2026-11-15"
EVENTS_PER_USER = 113.3  # from scripts/bench_generate.py's calibration over the default history
PARTS = ("dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs")
METRIC_MODELS = ["kpi_measures__signup_cohorts", "kpi_definitions", "kpi_values", "kpi_status"]
OLD = "expr: case when is_retained_d7 then 1 else 0 end"
NEW = "expr: case when is_retained_d7 and is_retained_d1 then 1 else 0 end"


def _run(command: list[str], env: dict, cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):
        output = result.stdout[-2000:] + result.stderr[-2000:]
        sys.exit(f"{' '.join(command[:3])} failed ({result.returncode}):\n{output}")
    return seconds


def _dbt(args: list[str], project: Path, warehouse: Path, scratch: Path) -> float:
    env = {**os.environ, "SCORECARD_DUCKDB": str(warehouse), "DBT_PROFILES_DIR": str(project)}
    paths = ["--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs")]
    command = [str(BIN / "dbt"), *args, "--project-dir", str(project), *paths, "--vars", json.dumps({"as_of": AS_OF})]
    return _run(command, env, project)


def _repository(root: Path) -> Path:
    project = root / "analytics"
    project.mkdir(parents=True)
    for part in PARTS:
        source = PROJECT / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / part)
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], check=True)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=float, default=10e6, help="sample size in product events (default 10M)")
    parser.add_argument("--warehouse", type=Path, help="an already built warehouse to use (not modified)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-diff-"))
    try:
        warehouse = args.warehouse
        if warehouse is None:
            from scorecard.sample import SampleSpec, generate

            warehouse = scratch / "warehouse" / "scorecard.duckdb"
            users = round(args.events / EVENTS_PER_USER)
            print(f"generating {users:,} users and building the project (not timed) ...", file=sys.stderr)
            generate(warehouse, SampleSpec(users=users, as_of=date.fromisoformat(AS_OF)))
            _dbt(["run"], PROJECT, warehouse, scratch / "build")
        project = _repository(scratch / "repo")
        acquisition = project / "metrics" / "acquisition.yml"
        acquisition.write_text(acquisition.read_text().replace(OLD, NEW))

        # the baseline builds into a copy, so the diff reads the warehouse exactly as it was
        copy = scratch / "copy" / "scorecard.duckdb"
        copy.parent.mkdir()
        shutil.copy2(warehouse, copy)
        _dbt(["parse"], project, copy, scratch / "once")  # warm partial parse, as in a working project
        once = _dbt(["run", "--full-refresh", "--select", *METRIC_MODELS], project, copy, scratch / "once")
        env = {**os.environ, "SCORECARD_DUCKDB": str(warehouse)}
        diff = _run([str(BIN / "scorecard"), "diff", "--base", "HEAD", "--format", "json"], env, project)
        events = _events(warehouse)
        print("| events | build the metric's models once | scorecard diff | diff / once |")
        print("|---:|---:|---:|---:|")
        print(f"| {events:,} | {once:.1f} s | {diff:.1f} s | {diff / once:.2f} |")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _events(warehouse: Path) -> int:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select count(*) from raw.events").fetchall()[0][0]
    finally:
        con.close()


if __name__ == "__main__":
    main()
