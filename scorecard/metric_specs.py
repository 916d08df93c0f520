"""Validate the metric definitions before `scorecard run` touches the warehouse.

`dbt compile` of the KPI models against an in-memory DuckDB: dbt's parser checks the semantic models
and metrics against the Semantic Layer spec, and the KPI compiler checks each metric's KPI metadata
and constructs (it needs dbt's graph, which exists only when nodes compile); then the SQL inside the
definitions is read from the manifest the compile wrote (scorecard.metric_sql). No file is opened; the
check keeps its own target path, so the build's partial-parse state stays valid.

The compile runs in a forked child with its output discarded (scorecard.forked): a failed compile
leaves DuckDB objects in dbt-duckdb's class attributes and dbt's frames, and DuckDB's bindings then
print dozens of "leaked" lines at interpreter exit, burying the one-line error. dbt is imported before
the fork, so the child starts at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scorecard.dbt import IN_MEMORY, check_dbt_profile, describe_dbt_error, run_dbt
from scorecard.errors import InvalidInput, StepFailed
from scorecard.forked import ChildFailed, run_forked
from scorecard.metric_sql import sql_problems

_TARGET = Path("target") / "spec_check"  # the check's own target path, beside the build's


def check_metric_specs(project_dir: Path, as_of: date) -> None:
    import dbt.cli.main  # noqa: F401  (imported once, before the fork: the build needs it anyway)

    check_dbt_profile(project_dir)  # a profile problem is not the metrics' (and the child would only return text)

    (problem,) = run_forked([lambda: _compile(project_dir, as_of)])
    if isinstance(problem, ChildFailed):
        problem = f"dbt could not compile the KPI models: {problem}"
    if problem is None:
        # the SQL inside the definitions, which dbt's parser does not read (nor a compile, which runs no hooks)
        problems = sql_problems(project_dir / _TARGET / "manifest.json")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        problem = f"{problems[0]}{more}" if problems else None
    if problem is not None:
        raise InvalidInput(f"metric specs are invalid: {problem}")


def _compile(project_dir: Path, as_of: date) -> str | None:
    """None when the KPI models compile, else the line of dbt's error naming the file and the metric."""
    args = ["compile", "--select", "kpis", "--target-path", str(project_dir / _TARGET)]
    try:
        result = run_dbt(project_dir, IN_MEMORY, args, as_of=as_of, allow_failures=True, silent=True)
    except StepFailed as exc:  # dbt stopped: the parser or the KPI compiler rejected a definition
        return describe_dbt_error(str(exc.__cause__ or exc), project_dir)
    if result.success:
        return None
    messages = [
        " ".join(str(r.message).split())
        for r in getattr(result.result, "results", None) or []
        if str(r.status).lower() == "error" and r.message
    ]
    return messages[0] if messages else "dbt compile of the KPI models failed (see logs/dbt.log)"
