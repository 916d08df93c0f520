"""dbt's data and unit tests as check results, read from `run_results.json` and the manifest.

`scorecard check` runs `dbt test`; `scorecard run` reads the results its `dbt build` already wrote,
so the tests are not run twice. Tests that store their failing rows and have a `metric_name`
column (the KPI parity checks) name the metrics they found broken."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb

from scorecard.dbt import run_dbt
from scorecard.errors import StepFailed
from scorecard.quality.lineage import reachable
from scorecard.quality.results import CheckResult, one_line

_STATUS = {"pass": "pass", "warn": "warn", "fail": "fail", "error": "error", "skipped": "error"}
# dbt's failure conditions that a count of failures can be compared with: `!= 0` (dbt's default), `> N`, `>= N`.
_CONDITION = re.compile(r"\s*(!=|<>|>=|>)\s*(\d+)\s*")
# The first line of dbt's message for a test that could not run only names the test and its file.
_ERROR_HEADING = re.compile(r"\w+ Error in (test|unit_test) ")


def run_tests(project_dir: Path, warehouse: Path, as_of: date, select: tuple[str, ...] = ()) -> None:
    args = ["test", *(["--select", *select] if select else [])]
    run_dbt(project_dir, warehouse, args, as_of=as_of, allow_failures=True)


def read_run_results(target_dir: Path) -> dict:
    path = target_dir / "run_results.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StepFailed(f"{path}: cannot read dbt's run results: {exc}") from exc


def read_test_results(payload: dict, manifest: dict, con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """The tests in dbt's run results (``read_run_results``) as check results."""
    nodes = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {})}
    results = []
    for entry in payload.get("results", []):
        unique_id = entry["unique_id"]
        if not unique_id.startswith(("test.", "unit_test.")) or unique_id not in nodes:
            continue
        results.append(_result(entry, nodes[unique_id], con))
    return results


def _result(entry: dict, node: dict, con: duckdb.DuckDBPyConnection) -> CheckResult:
    status = _STATUS.get(entry.get("status", ""), "error")
    target = _target(node)
    failures = entry.get("failures")
    on = target.split(".")[-1] if target else "the project"
    if entry.get("status") == "skipped":
        # `dbt build` skips what is downstream of a failed model or test: the table was not rebuilt either
        message = (
            f"dbt test {node['name']} on {on} did not run: dbt skipped it after a failure upstream, "
            f"so {on} was not rebuilt for this run"
        )
    elif status == "error":
        message = f"dbt test {node['name']} on {on} could not run: {_error_detail(entry.get('message'))}"
    elif status == "pass":
        message = f"dbt test {node['name']} on {on} passed"
    else:
        message = f"dbt test {node['name']} on {on}: {failures} failing row{'s' if failures != 1 else ''}"
    metrics = _failing_metrics(entry, con) if status in {"fail", "warn"} else ()
    observed = float(failures) if failures is not None else None
    threshold = _allowed_failures(node.get("config") or {})
    return CheckResult(node["unique_id"], "dbt_test", target, status, observed, threshold, message, metrics)


def _allowed_failures(config: dict) -> float | None:
    """The most failures (dbt's `fail_calc`, by default the failing rows) the test passes with at its
    severity, in the unit of the observed value: 0 under dbt's default `!= 0`, N under `> N`. None for a
    condition of another form. A test's own arguments (a `max_null_rate`) are in its name."""
    key = "warn_if" if str(config.get("severity", "error")).lower() == "warn" else "error_if"
    match = _CONDITION.fullmatch(str(config.get(key) or "!= 0"))
    if match is None:
        return None
    operator, count = match.group(1), int(match.group(2))
    if operator in {"!=", "<>"}:
        return 0.0 if count == 0 else None
    if operator == ">=":
        return float(count - 1) if count > 0 else None
    return float(count)


def _error_detail(message: str | None) -> str:
    """dbt's reason a test could not run, as one line: the database's or Jinja's error under dbt's heading."""
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    if len(lines) > 1 and _ERROR_HEADING.match(lines[0]):
        lines = lines[1:]
    return one_line(" ".join(lines)) if lines else "did not run"


def _target(node: dict) -> str:
    """The node a test checks: its attached model, else the first node it reads (dbt leaves tests on
    sources unattached; the tested source comes first, helpers such as the time spine after it)."""
    if node.get("attached_node"):
        return node["attached_node"]
    if node.get("resource_type") == "unit_test" and node.get("model"):
        return f"model.{node['package_name']}.{node['model']}"
    depends = [n for n in (node.get("depends_on") or {}).get("nodes", []) if not n.startswith("macro.")]
    return depends[0] if depends else ""


def _failing_metrics(entry: dict, con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    relation = entry.get("relation_name")
    if not relation:
        return ()
    try:
        columns = {row[0] for row in con.execute(f"describe {relation}").fetchall()}
        if "metric_name" not in columns:
            return ()
        rows = con.execute(f"select distinct metric_name from {relation} order by 1").fetchall()
    except duckdb.Error:
        return ()  # the stored failures are gone; lineage from the test's target still applies
    return tuple(name for (name,) in rows if name)


def skip_causes(payload: dict, manifest: dict) -> dict[str, list[str]]:
    """For each model `dbt build` skipped, the failed tests and models above it that made dbt skip it,
    by name: dbt's run results leave the cause out. A failed test stops the models below the node it
    tests; a failed model, the models below itself."""
    statuses = {entry["unique_id"]: entry.get("status") for entry in payload.get("results", [])}
    nodes = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {})}
    stopped_below: dict[str, list[str]] = {}
    for unique_id, status in statuses.items():
        if status in {"fail", "error"} and unique_id in nodes:
            node = nodes[unique_id]
            origin = _target(node) if unique_id.startswith(("test.", "unit_test.")) else unique_id
            stopped_below.setdefault(origin, []).append(node["name"])
    parents = manifest.get("parent_map", {})
    causes = {}
    for unique_id, status in statuses.items():
        if status == "skipped" and unique_id.startswith("model.") and stopped_below:
            above = reachable(parents.get(unique_id, []), parents)
            names = {name for node in above for name in stopped_below.get(node, ())}
            if names:
                causes[unique_id] = sorted(names)
    return causes


def with_skip_causes(results: list[CheckResult], causes: dict[str, list[str]]) -> list[CheckResult]:
    """A freshness check that failed on a table dbt skipped says why the table is old: "newest value is
    2026-11-30" alone sent the reader after late data when a test on another table had failed."""
    named = []
    for result in results:
        cause = causes.get(result.target)
        if cause and result.status == "fail" and result.measures_freshness:
            shown = ", ".join(cause[:3]) + (f" and {len(cause) - 3} more" if len(cause) > 3 else "")
            table = result.target.split(".")[-1]
            result = replace(result, message=f"{result.message}; dbt skipped {table} after {shown} failed upstream")
        named.append(result)
    return named
