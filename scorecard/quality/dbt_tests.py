"""dbt's data and unit tests as check results, read from `run_results.json` and the manifest.

`scorecard check` runs `dbt test`; `scorecard run` reads the results its `dbt build` already wrote,
so the tests are not run twice. Tests that store their failing rows and have a `metric_name`
column (the KPI parity checks) name the metrics they found broken."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb

from scorecard.dbt import run_dbt
from scorecard.errors import StepFailed
from scorecard.quality.results import CheckResult

_STATUS = {"pass": "pass", "warn": "warn", "fail": "fail", "error": "error", "skipped": "error"}
# Generic-test arguments that are the test's threshold, in the order they are looked for.
_THRESHOLD_ARGS = ("max_null_rate", "min_ratio")


def run_tests(project_dir: Path, warehouse: Path, as_of: date, select: tuple[str, ...] = ()) -> None:
    args = ["test", *(["--select", *select] if select else [])]
    run_dbt(project_dir, warehouse, args, as_of=as_of, allow_failures=True)


def read_test_results(target_dir: Path, manifest: dict, con: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    path = target_dir / "run_results.json"
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StepFailed(f"{path}: cannot read dbt's run results: {exc}") from exc
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
    kwargs = (node.get("test_metadata") or {}).get("kwargs") or {}
    threshold = next((float(kwargs[name]) for name in _THRESHOLD_ARGS if _is_number(kwargs.get(name))), None)
    on = target.split(".")[-1] if target else "the project"
    if status == "error":
        detail = (entry.get("message") or "did not run").strip().splitlines()[0]
        message = f"dbt test {node['name']} on {on} could not run: {detail}"
    elif status == "pass":
        message = f"dbt test {node['name']} on {on} passed"
    else:
        message = f"dbt test {node['name']} on {on}: {failures} failing row{'s' if failures != 1 else ''}"
    metrics = _failing_metrics(entry, con) if status in {"fail", "warn"} else ()
    observed = float(failures) if failures is not None else None
    return CheckResult(node["unique_id"], "dbt_test", target, status, observed, threshold, message, metrics)


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


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
