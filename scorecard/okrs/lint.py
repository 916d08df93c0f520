"""`scorecard lint`: load the specs, run the lint rules, print one line per issue."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from scorecard.config import warehouse_path
from scorecard.errors import EXIT_INVALID, EXIT_OK, EXIT_PROBLEMS
from scorecard.okrs.catalog import load_catalog
from scorecard.okrs.history import recorded_key_results
from scorecard.okrs.issues import ERROR, WARNING
from scorecard.okrs.load import load_specs
from scorecard.okrs.rules import run_rules


def lint(project_dir: Path, paths: list[Path], *, strict: bool, output_format: str, echo) -> int:
    catalog = load_catalog(project_dir)
    result = load_specs(paths, catalog, display_root=Path.cwd())
    issues = result.issues + run_rules(result.specs, catalog, _recorded(project_dir))
    issues.sort(key=lambda issue: (issue.file, issue.line, issue.severity != ERROR))
    errors = sum(issue.severity == ERROR for issue in issues)
    warnings = sum(issue.severity == WARNING for issue in issues)
    if output_format == "json":
        echo(json.dumps({"errors": errors, "warnings": warnings, "issues": [i.as_dict() for i in issues]}, indent=2))
    else:
        for issue in issues:
            echo(str(issue))
    if errors:
        return EXIT_INVALID
    return EXIT_PROBLEMS if strict and warnings else EXIT_OK


def _recorded(project_dir: Path) -> dict:
    """The scored history, when the warehouse has one; lint works without a warehouse too."""
    path = warehouse_path(project_dir)
    if not path.exists():
        return {}
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return {}  # busy or unreadable: the history rule is skipped, the spec checks still run
    try:
        return recorded_key_results(con)
    finally:
        con.close()
