#!/usr/bin/env python3
"""Benchmark OKR scoring: 200 key results against the time of the `dbt build` that feeds them.

In one run: generate the default sample, time `dbt build`, write 200 key results (40 objectives in
10 team files, every KPI metric, some segmented, metric/guardrail/milestone mixed) and time
`scorecard score` for one as-of date, loading included. Prints both and the ratio. Not a test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

TEAMS = 10
OBJECTIVES_PER_TEAM = 4
KEY_RESULTS_PER_OBJECTIVE = 5


def write_specs(okrs: Path, catalog: dict) -> int:
    metrics = sorted(catalog.values(), key=lambda m: m.name)
    count = 0
    for t in range(TEAMS):
        objectives = []
        for o in range(OBJECTIVES_PER_TEAM):
            key_results = []
            for k in range(KEY_RESULTS_PER_OBJECTIVE):
                metric = metrics[count % len(metrics)]
                ident = f"kr-{t}-{o}-{k}"
                if k == 4:
                    key_results.append(
                        {"id": ident, "type": "milestone", "title": "Launch review", "status": "in_progress"}
                    )
                elif k == 3:
                    key_results.append(
                        {
                            "id": ident,
                            "type": "guardrail",
                            "metric": metric.name,
                            "threshold": 1,
                            "direction": "at_most" if metric.direction == "lower_is_better" else "at_least",
                        }
                    )
                else:
                    kr = {
                        "id": ident,
                        "metric": metric.name,
                        "baseline": "auto",
                        "target": "+10%" if metric.direction == "higher_is_better" else "-10%",
                    }
                    if k == 1 and metric.dimensions:
                        dimension = sorted(metric.dimensions)[0]
                        kr["segment"] = {dimension: {"platform": "ios", "country": "US"}.get(dimension, "unknown")}
                    key_results.append(kr)
                count += 1
            objectives.append({"id": f"objective-{o}", "title": "Grow what matters", "key_results": key_results})
        spec = {"cycle": "2026-Q4", "team": f"team-{t}", "objectives": objectives}
        (okrs / f"team-{t}.yml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return count


def main() -> None:
    from scorecard.okrs.catalog import load_catalog
    from scorecard.okrs.score import score
    from scorecard.sample import SampleSpec, generate

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        project = scratch / "project"
        project.mkdir()
        for part in ["dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks"]:
            source = PROJECT / part
            os.symlink(source, project / part)
        (project / "okrs").mkdir()
        warehouse = scratch / "bench.duckdb"
        os.environ["SCORECARD_DUCKDB"] = str(warehouse)
        generate(warehouse, SampleSpec())
        command = [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--project-dir",
            str(PROJECT),
            "--profiles-dir",
            str(PROJECT),
            "--target-path",
            str(scratch / "target"),
            "--log-path",
            str(scratch / "logs"),
            "--vars",
            json.dumps({"as_of": "2026-11-15"}),
        ]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        build = time.perf_counter() - started
        count = write_specs(project / "okrs", load_catalog(PROJECT))
        started = time.perf_counter()
        score(project, [date(2026, 11, 15)], echo=lambda *a, **k: None)
        scoring = time.perf_counter() - started
    print("| key results | dbt build | scoring (load, evaluate, write) | scoring / build |")
    print("|---:|---:|---:|---:|")
    print(f"| {count} | {build:.1f} s | {scoring:.2f} s | {scoring / build:.1%} |")


if __name__ == "__main__":
    main()
