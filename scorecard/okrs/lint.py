"""`scorecard lint`: load the specs, run the lint rules, print one line per issue."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from scorecard.config import warehouse_path
from scorecard.errors import EXIT_INVALID, EXIT_OK, EXIT_PROBLEMS, ScorecardError
from scorecard.okrs.catalog import load_catalog
from scorecard.okrs.history import recorded_key_results
from scorecard.okrs.issues import ERROR, WARNING
from scorecard.okrs.load import load_specs, spec_files, spec_target
from scorecard.okrs.rules import run_rules
from scorecard.okrs.segments import metric_grains, segment_values
from scorecard.warehouse import connect, table_exists

log = logging.getLogger(__name__)

WAREHOUSE_RULES = "moved-goalposts, segment-value and grain rules"


def lint(project_dir: Path, paths: list[Path], *, strict: bool, output_format: str, echo) -> int:
    catalog = load_catalog(project_dir)
    reported = None
    folder = project_dir / "okrs"
    if folder.is_dir() and paths and all(_inside(path, folder) for path in paths):
        # files of the project's okrs/ (a pre-commit hook names the changed ones): checked with the other
        # files as their context, so an aligns_to or a duplicate across files is judged as `score` judges it
        # (and the named folders and files themselves: "no OKR specs here" is about the folder)
        reported = {spec_target(path) for path in [*spec_files(paths), *paths]}
        paths = [folder, *paths]
    result = load_specs(paths, catalog, display_root=Path.cwd())
    found, unread = _from_warehouse(project_dir)
    if unread and not strict:
        log.warning("%s; the %s were skipped", unread, WAREHOUSE_RULES)
    issues = result.issues + run_rules(result.specs, catalog, *found)
    if reported is not None:
        # an issue's file is shown relative to the working directory, or as given: both resolve from here
        issues = [issue for issue in issues if spec_target(Path(issue.file)) in reported]
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
    if unread and strict:
        # a gate that passed without these rules would pass a moved goalpost unseen; the reason keeps its
        # exit code (a lock 3, a file that is no database 2)
        raise type(unread)(f"{unread}; --strict needs the {WAREHOUSE_RULES}, which read it")
    return EXIT_PROBLEMS if strict and warnings else EXIT_OK


def _inside(path: Path, folder: Path) -> bool:
    return spec_target(path).is_relative_to(folder.resolve())


def _from_warehouse(project_dir: Path) -> tuple[tuple[dict, dict, dict], ScorecardError | None]:
    """The scored history, the segment values and the metrics' grains, when the warehouse has them (lint
    works without a warehouse too); and why a warehouse that exists could not be read (locked, say)."""
    path = warehouse_path(project_dir)
    if not path.exists():
        return ({}, {}, {}), None
    try:
        con = connect(path, read_only=True)
    except ScorecardError as exc:
        return ({}, {}, {}), exc
    try:
        built = table_exists(con, "kpis", "kpi_values")
        if not built:
            return (recorded_key_results(con), {}, {}), None
        return (recorded_key_results(con), segment_values(con), metric_grains(con)), None
    finally:
        con.close()
