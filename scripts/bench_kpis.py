#!/usr/bin/env python3
"""Benchmark the KPI models at 1M, 10M and 100M product events, against MetricFlow's SQL.

For each size, in its own process (so peak memory is its own):
  1. generate the sample as of the day before --as-of (default 2026-11-15) and build the marts (not
     timed here);
  2. full build of the KPI models (`dbt run --select kpis --full-refresh`): wall time and the
     models' own execution time from run_results.json. dbt runs with one thread, so a model's time is
     its own: with two, models running at once share both cores and each one's time would include the
     other's work, counting it twice in the sum;
  3. the same values from the SQL MetricFlow generates (every KPI, every grain, the total and every
     declared dimension, batched one query per grain and dimension), executed directly on DuckDB;
  4. one more day of data (as of --as-of), marts rebuilt, then an incremental run of the KPI models.
     The default is mid-quarter; --as-of 2026-12-31 measures a quarter's last day, when the quarter-to-date
     passes (distinct users, percentiles) read the most rows.
  5. dbt's floor: a throwaway project of as many models as the KPI run has, whose materialization runs
     one `select 1` and writes nothing, run the same way: what dbt's own per-model work costs, about
     the least any run of that many models can take.
Steps 2, 4 and 5 run --repeats times (default 3), each incremental run from a copy of the same state, and
every figure is the median: the machine is shared, and a single run can be a third off.
Prints a Markdown table, then where the incremental run's time went (the median model, dbt's floor and
the slowest), then how each run's time splits between compiling the models (dbt's Jinja,
run_results.json's compile timing; of it, how long Jinja took to compile the templates themselves,
which dbt does afresh in every invocation), their SQL statements (the durations dbt's debug log gives
each) and the rest of dbt's work.
Not a test: figures depend on the machine; the README records one run.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

SIZES = {"1M": 1_000_000, "10M": 10_000_000, "100M": 100_000_000}
EVENTS_PER_USER = 113.3  # from scripts/bench_generate.py's calibration over the default history
SQL_STATUS = re.compile(r"SQL status: .* in ([0-9.]+) seconds")


def _phase_seconds(result: dict, phase: str) -> float:
    for timing in result["timing"]:
        if timing["name"] == phase and timing.get("started_at") and timing.get("completed_at"):
            started, completed = (datetime.fromisoformat(timing[k].rstrip("Z")) for k in ("started_at", "completed_at"))
            return (completed - started).total_seconds()
    return 0.0


def _node_sql_seconds(log_text: str) -> float:
    """Seconds of the SQL statements dbt's debug log times while it executes a node (the models, the
    on-run-start hook), leaving out dbt's own queries outside them (listing schemas at start-up) and
    those the compiler's Jinja runs, which run_results.json counts as compiling already."""
    seconds, inside = 0.0, False
    for line in log_text.splitlines():
        if "Began executing node" in line or "START hook:" in line:
            inside = True
        elif "Finished running node" in line or "OK hook:" in line:
            inside = False
        elif inside and (match := SQL_STATUS.search(line)):
            seconds += float(match.group(1))
    return seconds


def _dbt(
    args: list[str], warehouse: Path, scratch: Path, as_of: str, project: Path = PROJECT
) -> tuple[float, float, dict[str, float], dict[str, float]]:
    """Run dbt on `project` (this one by default) with this project's profile; return (wall seconds,
    sum of the executed nodes' own seconds, seconds by node name, seconds of those spent compiling, in
    Jinja compiling the templates (the project's and dbt's) and in SQL statements)."""
    templates = scratch / "templates.json"
    env = {**os.environ, "SCORECARD_DUCKDB": str(warehouse), "DBT_PROFILES_DIR": str(PROJECT)}
    command = [
        sys.executable,
        __file__,
        "--timed-dbt",
        str(templates),
        *args,
        "--project-dir",
        str(project),
        "--target-path",
        str(scratch / "target"),
        "--log-path",
        str(scratch / "logs"),
        "--vars",
        json.dumps({"as_of": as_of}),
        "--threads",
        "1",
    ]
    log = scratch / "logs" / "dbt.log"
    log_offset = log.stat().st_size if log.exists() else 0
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"dbt {' '.join(args)} failed:\n{result.stdout[-3000:]}")
    run_results = json.loads((scratch / "target" / "run_results.json").read_text())
    # every node dbt ran: the KPI models and the on-run-start hook that creates their state table
    by_node = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in run_results["results"]}
    with log.open(encoding="utf-8", errors="replace") as handle:
        handle.seek(log_offset)
        sql = _node_sql_seconds(handle.read())
    phases = {
        "compile": sum(_phase_seconds(r, "compile") for r in run_results["results"]),
        "sql": sql,
        **json.loads(templates.read_text()),
    }
    return wall, sum(by_node.values()), by_node, phases


def _timed_dbt(out: Path, args: list[str]) -> None:
    """Run dbt in this process, timing how long Jinja takes to compile each template (a macro, a model)
    into Python while dbt runs the nodes (as run_results.json's compile timing does; parsing compiles
    some too), which dbt does once per template in every invocation and never keeps across them; write
    the seconds, split between this project's templates and dbt's own, to `out`."""
    import dbt_common.clients.jinja as jinja

    project_text = "\n".join(
        path.read_text() for folder in ("macros", "models", "checks") for path in (PROJECT / folder).rglob("*.sql")
    )
    seconds = {"templates_project": 0.0, "templates_dbt": 0.0}
    running = threading.Event()
    compile_template = jinja.get_template

    def timed(string, *rest, **options):
        started = time.perf_counter()
        template = compile_template(string, *rest, **options)
        elapsed = time.perf_counter() - started
        if running.is_set():
            seconds["templates_project" if string in project_text else "templates_dbt"] += elapsed
        return template

    def timed_nodes(task, *rest, **options):
        running.set()
        try:
            return execute_nodes(task, *rest, **options)
        finally:
            running.clear()

    # patched before dbt's own modules are imported: dbt.clients.jinja imports the function by name
    jinja.get_template = timed
    from dbt.task.runnable import GraphRunnableTask

    execute_nodes = GraphRunnableTask.execute_with_hooks
    GraphRunnableTask.execute_with_hooks = timed_nodes
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(args)
    out.write_text(json.dumps(seconds))
    sys.exit(0 if result.success else 1)


def _metricflow_seconds(warehouse: Path, scratch: Path, budget: float) -> tuple[float, int, int]:
    import duckdb

    from scorecard.metricflow_check import MetricFlowCheck

    con = duckdb.connect(str(warehouse))
    check = MetricFlowCheck(scratch / "target" / "semantic_manifest.json", con)
    batches = collections.defaultdict(list)
    grains = collections.defaultdict(set)
    for metric, grain in con.execute("select distinct metric_name, grain from kpis.kpi_values").fetchall():
        grains[metric].add(grain)
    for metric, dimensions in con.execute("select metric_name, dimensions from kpis.kpi_definitions").fetchall():
        for grain in grains[metric]:
            batches[(grain, None)].append(metric)
            for dimension in dimensions.split(", ") if dimensions else []:
                batches[(grain, dimension.replace(".", "__"))].append(metric)
    queries = [(metrics, [f"metric_time__{g}"] + ([d] if d else [])) for (g, d), metrics in batches.items()]
    rendered = [check.sql(metrics, group_by) for metrics, group_by in queries]  # rendering is not timed
    # MetricFlow joins every row of a trailing window to every day of it; at 100M events that runs for
    # hours, so past the budget the remaining queries are interrupted and the figure is a lower bound.
    timer = threading.Timer(budget, con.interrupt)
    timer.start()
    started = time.perf_counter()
    finished = 0
    try:
        for sql in rendered:
            con.execute(sql).fetchall()
            finished += 1
    except duckdb.InterruptException:
        pass
    finally:
        timer.cancel()
    seconds = time.perf_counter() - started
    con.close()
    return seconds, finished, len(rendered)


def _dbt_floor(models: int, scratch: Path, repeats: int) -> float:
    """Median model time of `dbt run` (run as the KPI models are, by _dbt) over a throwaway project of
    `models` models whose materialization runs one `select 1` and writes no table: what dbt's per-model
    work alone costs for as many models as the KPI run has, about the least any run of them can take."""
    project = scratch / "floor"
    (project / "models").mkdir(parents=True)
    (project / "macros").mkdir()
    (project / "dbt_project.yml").write_text(
        "name: floor\nversion: '1.0'\nprofile: scorecard\nmodels:\n  floor:\n    +materialized: nothing\n"
    )
    (project / "macros" / "nothing.sql").write_text(
        "{% materialization nothing, default %}\n"
        "{%- call statement('main') -%} select 1 {%- endcall -%}\n"
        "{{ return({'relations': []}) }}\n"
        "{% endmaterialization %}\n"
    )
    for index in range(models):
        (project / "models" / f"model_{index:02d}.sql").write_text("select 1 as x\n")
    # the floor project reads no vars, so as_of is left empty
    runs = [_dbt(["run"], project / "floor.duckdb", project, as_of="", project=project) for _ in range(repeats)]
    return _median_run(runs)[1]


def _median_run(runs: list[tuple]) -> tuple[float, float, dict[str, float], dict[str, float]]:
    """Median wall time, median sum of model times, each model's median time and each phase's median
    time, over repeated runs."""
    nodes = runs[0][2].keys()
    return (
        statistics.median(run[0] for run in runs),
        statistics.median(run[1] for run in runs),
        {node: statistics.median(run[2][node] for run in runs) for node in nodes},
        {phase: statistics.median(run[3][phase] for run in runs) for phase in runs[0][3]},
    )


def _child(users: int, budget: float, repeats: int, as_of: date) -> None:
    from scorecard.sample import SampleSpec, generate

    before_day = as_of - timedelta(days=1)
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        scratch = Path(tmp)
        warehouse = scratch / "bench.duckdb"
        events = generate(warehouse, SampleSpec(users=users, as_of=before_day)).row_counts["events"]
        _dbt(["build", "--exclude", "kpis"], warehouse, scratch, before_day.isoformat())
        # each figure is the median of `repeats` runs: the machine is shared, one run can be off by a third
        fulls = [
            _dbt(["run", "--select", "kpis", "--full-refresh"], warehouse, scratch, before_day.isoformat())
            for _ in range(repeats)
        ]
        full_wall, full_models, _, full_phases = _median_run(fulls)
        metricflow, finished, queries = _metricflow_seconds(warehouse, scratch, budget)
        generate(warehouse, SampleSpec(users=users, as_of=as_of))
        _dbt(["run", "--exclude", "kpis"], warehouse, scratch, as_of.isoformat())
        # every incremental run starts from the same state: the KPI tables of the day before, the marts of as_of
        before = scratch / "before_incremental.duckdb"
        shutil.copyfile(warehouse, before)
        incrementals = []
        for _ in range(repeats):
            shutil.copyfile(before, warehouse)
            os.sync()  # so writing the copy back does not compete with the run
            incrementals.append(_dbt(["run", "--select", "kpis"], warehouse, scratch, as_of.isoformat()))
        incremental_wall, incremental_models, by_node, incremental_phases = _median_run(incrementals)
        by_model = {node: seconds for node, seconds in by_node.items() if node.startswith("kpi_")}
        floor = _dbt_floor(len(by_model), scratch, repeats)
    peak_kib = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    print(
        json.dumps(
            {
                "events": events,
                "full_wall": full_wall,
                "full_models": full_models,
                "full_phases": full_phases,
                "metricflow": metricflow,
                "queries": queries,
                "finished": finished,
                "incremental_wall": incremental_wall,
                "incremental_models": incremental_models,
                "incremental_phases": incremental_phases,
                "incremental_nodes": len(by_model),
                "incremental_median": statistics.median(by_model.values()),
                "incremental_slowest": sorted(by_model.items(), key=lambda item: -item[1])[:4],
                "floor": floor,
                "peak_mib": peak_kib / 1024,
            }
        )
    )


def main() -> None:
    if sys.argv[1:2] == ["--timed-dbt"]:
        _timed_dbt(Path(sys.argv[2]), sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1M,10M,100M", help="comma-separated subset of 1M,10M,100M")
    parser.add_argument(
        "--metricflow-budget", type=float, default=900, help="seconds MetricFlow's SQL may run per size"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of each dbt step; figures are medians")
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=date(2026, 11, 15),
        help="the day the incremental run adds (default 2026-11-15, mid-quarter)",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.metricflow_budget, args.repeats, args.as_of)
        return
    print(
        "| events | KPI models, full (models / wall) | MetricFlow SQL | ratio | incremental +1 day (models / wall) "
        "| incremental / full | peak memory |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    breakdown = []
    phases = []
    for name in args.sizes.split(","):
        users = round(SIZES[name] / EVENTS_PER_USER)
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(users),
                "--metricflow-budget",
                str(args.metricflow_budget),
                "--repeats",
                str(args.repeats),
                "--as-of",
                args.as_of.isoformat(),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            # the sizes measured so far keep their breakdown: a 100M size that fails (a full disk) takes
            # minutes to reach, and the smaller ones' figures are not lost with it
            _print_breakdown(breakdown, phases)
            sys.exit(f"\nthe {name} size failed:\n" + out.stdout[-2000:] + out.stderr[-2000:])
        r = json.loads(out.stdout.strip().splitlines()[-1])
        complete = r["finished"] == r["queries"]
        bound = "" if complete else "> "
        share = r["full_models"] / r["metricflow"]
        # an upper bound is rounded up, or 0.055 would print as "< 0.05"
        ratio = f"{share:.2f}" if complete else f"< {math.ceil(share * 100) / 100:.2f}"
        print(
            f"| {r['events']:,} | {r['full_models']:.1f} s / {r['full_wall']:.1f} s | {bound}{r['metricflow']:.1f} s "
            f"({r['finished']} of {r['queries']} queries) | {ratio} | "
            f"{r['incremental_models']:.1f} s / {r['incremental_wall']:.1f} s | "
            f"{r['incremental_models'] / r['full_models']:.0%} | {r['peak_mib']:,.0f} MiB |",
            flush=True,
        )
        slowest = ", ".join(f"{node} {seconds:.2f} s" for node, seconds in r["incremental_slowest"])
        breakdown.append(
            f"| {r['events']:,} | {r['incremental_nodes']} | {r['incremental_median']:.3f} s | "
            f"{r['incremental_nodes'] * r['incremental_median'] / r['full_models']:.1%} | "
            f"{r['floor']:.2f} s, {r['floor'] / r['full_models']:.1%} | {slowest} |"
        )
        for run in ("full", "incremental"):
            split = r[f"{run}_phases"]
            other = r[f"{run}_models"] - split["compile"] - split["sql"]
            phases.append(
                f"| {r['events']:,} | {run} | {r[f'{run}_models']:.2f} s | {split['compile']:.2f} s | "
                f"{split['templates_project']:.2f} s / {split['templates_dbt']:.2f} s | "
                f"{split['sql']:.2f} s | {other:.2f} s |"
            )
    _print_breakdown(breakdown, phases)


def _print_breakdown(breakdown: list[str], phases: list[str]) -> None:
    if not breakdown:
        return
    print(
        "\n| events | models | median model, incremental | models x median / full "
        "| dbt's floor, as many empty models (/ full) | slowest, incremental |"
    )
    print("|---:|---:|---:|---:|---:|---|")
    print("\n".join(breakdown))
    print(
        "\n| events | run | models | compiling | of which Jinja compiling templates (the project's / dbt's) "
        "| SQL statements | dbt's other work |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    print("\n".join(phases), flush=True)


if __name__ == "__main__":
    main()
