#!/usr/bin/env python3
"""Benchmark the report step: 200 key results and 50 KPIs, against the whole `scorecard run`.

In one run: a copy of the project with 200 key results (scripts/bench_scoring.py's specs) and two more
KPI metrics (50 in all), the default sample generated, then `scorecard run` twice for the same as-of
date: the first in a fresh checkout (the vega bundle is built and cached), the second a scheduled
re-run. Each run's step durations come from its own log lines. Prints a Markdown table. Not a test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "scripts"))

from bench_scoring import write_specs  # noqa: E402

STEP = re.compile(r"INFO (?P<step>[a-zA-Z -]+?) done in (?P<seconds>[0-9.]+)s")
# two more KPIs (50 in all), simple metrics over measures the orders semantic model already has
EXTRA_METRICS = {
    "metrics": [
        {
            "name": f"bench_{measure}",
            "label": f"{measure.replace('_', ' ').capitalize()} (benchmark)",
            "description": f"The {measure} measure again, an extra KPI for the report benchmark.",
            "type": "simple",
            "type_params": {"measure": measure},
            "config": {
                "meta": {"kpi": {"owner": "bench", "unit": "count", "direction": "higher_is_better", "cadence": "week"}}
            },
        }
        for measure in ("buyers", "completed_orders")
    ]
}


def make_project(root: Path) -> Path:
    project = root / "project"
    project.mkdir()
    for part in ["dbt_project.yml", "profiles.yml", "models", "macros", "checks"]:
        os.symlink(PROJECT / part, project / part)
    shutil.copytree(PROJECT / "metrics", project / "metrics")
    (project / "metrics" / "bench_extra.yml").write_text(yaml.safe_dump(EXTRA_METRICS, sort_keys=False))
    (project / "okrs").mkdir()
    return project


def run(project: Path, env: dict) -> tuple[float, dict[str, float], int]:
    started = time.perf_counter()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "scorecard"), "--project-dir", str(project), "run", "--as-of", "2026-11-15"],
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    steps = {m["step"].strip(): float(m["seconds"]) for m in STEP.finditer(result.stderr)}
    if result.returncode not in (0, 1) or "write reports" not in steps:
        sys.exit(f"scorecard run failed ({result.returncode}): {result.stderr[-2000:]}")
    return wall, steps, result.returncode


def main() -> None:
    from scorecard.okrs.catalog import load_catalog

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = make_project(root)
        catalog = load_catalog(project)
        key_results = write_specs(project / "okrs", catalog)
        env = {
            **os.environ,
            "SCORECARD_DUCKDB": str(root / "bench.duckdb"),
            "SCORECARD_REPORTS_DIR": str(root / "reports"),
        }
        subprocess.run(
            [str(Path(sys.executable).parent / "scorecard"), "--project-dir", str(project), "generate"],
            env=env,
            check=True,
            capture_output=True,
        )
        rows = []
        for label in ("first run (bundle built)", "re-run"):
            wall, steps, code = run(project, env)
            rows.append((label, wall, steps, code))
        size = sum(f.stat().st_size for f in (root / "reports" / "2026-11-15").iterdir()) / 1e6
    print(f"{key_results} key results, {len(catalog)} KPIs; reports {size:.1f} MB in all")
    print("| run | scorecard run (wall) | dbt build | checks | scoring | report step | report / run |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, wall, steps, _ in rows:
        report = steps["write reports"]
        print(
            f"| {label} | {wall:.1f} s | {steps.get('dbt build', 0):.1f} s | "
            f"{steps.get('data-quality checks', 0):.1f} s | {steps.get('score OKRs', 0):.1f} s | "
            f"{report:.2f} s | {report / wall:.1%} |"
        )


if __name__ == "__main__":
    main()
