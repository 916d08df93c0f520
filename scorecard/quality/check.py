"""`scorecard check`: run every data-quality check for an as-of date, record one row per check, and give
each KPI (and through it each key result) one data status.

Exit codes (like dbt's and Soda's): 0 every check passed or warned, 1 a check failed or a source is
stale, 2 the checks could not run (bad settings, or a check that errored)."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from scorecard.config import warehouse_path
from scorecard.dbt import run_dbt
from scorecard.errors import EXIT_INVALID, EXIT_OK, EXIT_PROBLEMS, InvalidInput
from scorecard.okrs.catalog import load_catalog
from scorecard.okrs.evaluate import series_key
from scorecard.okrs.load import load_specs
from scorecard.okrs.model import MilestoneKeyResult
from scorecard.quality.anomaly import detect_anomalies
from scorecard.quality.dbt_tests import (
    read_run_results,
    read_test_results,
    run_tests,
    skip_causes,
    with_skip_causes,
)
from scorecard.quality.freshness import as_of_moment, check_freshness
from scorecard.quality.gx_suites import load_suites, preload, run_suites
from scorecard.quality.lineage import Lineage, read_manifest
from scorecard.quality.results import CheckResult
from scorecard.quality.settings import Thresholds, load_thresholds
from scorecard.quality.status import DataStatus, combine
from scorecard.quality.store import write_results
from scorecard.warehouse import connect, require_kpi_tables

log = logging.getLogger(__name__)

SUITES_DIR = Path("checks") / "expectations"
DATA_DOCS_DIR = Path("target") / "gx_data_docs"


@dataclass(frozen=True)
class CheckOutcome:
    results: list[CheckResult]
    kpi_statuses: dict[str, DataStatus]
    exit_code: int


@dataclass
class CheckInputs:
    """What the checks read from the project, validated before the warehouse is opened."""

    catalog: dict
    thresholds: Thresholds
    specs: list


def load_check_inputs(project_dir: Path) -> CheckInputs:
    """The KPI catalog, checks/thresholds.yml, the GX suites and the OKR specs; the first problem in any
    of them is one line (exit 2) before a check runs."""
    catalog = load_catalog(project_dir)
    thresholds = load_thresholds(project_dir, {name: metric.cadence for name, metric in catalog.items()})
    load_suites(project_dir / SUITES_DIR, project_dir)
    specs = load_specs([project_dir / "okrs"], catalog, display_root=project_dir)
    if specs.errors:
        raise InvalidInput(str(specs.errors[0]))
    return CheckInputs(catalog, thresholds, specs.specs)


def run_checks(
    project_dir: Path,
    as_of: date,
    *,
    run_dbt_tests: bool = True,
    now: datetime | None = None,
    inputs: CheckInputs | None = None,
):
    """Run the checks; ``run_dbt_tests=False`` reads the tests' results from the `dbt build` just run.
    ``inputs``: from ``load_check_inputs``, when the caller validated them first."""
    inputs = inputs or load_check_inputs(project_dir)
    catalog, thresholds = inputs.catalog, inputs.thresholds
    preload()  # GX takes seconds to import: let that pass while dbt runs
    warehouse = warehouse_path(project_dir)
    target_dir = project_dir / "target"
    moment = as_of_moment(as_of, now)
    con = connect(warehouse)
    try:
        require_kpi_tables(con, warehouse)  # checks on unbuilt tables would blame the suites that read them
    finally:
        con.close()
    if run_dbt_tests:
        run_tests(project_dir, warehouse, as_of)
    manifest = read_manifest(target_dir)
    # Read the tests' run_results.json before `dbt source freshness` writes its own.
    run_results = read_run_results(target_dir)
    con = connect(warehouse)
    try:
        results = read_test_results(run_results, manifest, con)
    finally:
        con.close()
    # The GX suites and anomalies (DuckDB and pandas) run in a worker thread while dbt measures the
    # sources' freshness in this one (dbt wants the main thread): on two cores they overlap.
    con = connect(warehouse)
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="checks") as pool:
            in_python = pool.submit(_suites_and_anomalies, con, project_dir, as_of, moment, thresholds)
            freshness = check_freshness(project_dir, warehouse, as_of, moment)
            results = with_skip_causes(freshness + results + in_python.result(), skip_causes(run_results, manifest))
        lineage = Lineage(manifest, set(catalog))
        kpis_by_check = {r.check_id: lineage.affected_kpis(r) for r in results}
        key_results_by_metric = _key_results_by_metric(inputs.specs, catalog)
        key_results_by_check = {
            check: {kr for kpi in kpis for kr in key_results_by_metric.get(kpi, ())}
            for check, kpis in kpis_by_check.items()
        }
        kpi_statuses = {
            kpi: combine([r for r in results if kpi in kpis_by_check[r.check_id]]) for kpi in sorted(catalog)
        }
        write_results(con, as_of, moment, results, kpis_by_check, key_results_by_check, kpi_statuses)
    finally:
        con.close()
    # kpi_status carries the data status: rebuild it (one small table) now that the statuses exist.
    run_dbt(project_dir, warehouse, ["run", "--select", "kpi_status"], as_of=as_of)
    return CheckOutcome(results, kpi_statuses, _exit_code(results))


def _suites_and_anomalies(con, project_dir: Path, as_of: date, moment: datetime, thresholds) -> list[CheckResult]:
    cursor = con.cursor()  # a connection of this thread's own to the same database
    try:
        results = run_suites(
            cursor,
            project_dir / SUITES_DIR,
            moment,
            thresholds.great_expectations,
            docs_dir=project_dir / DATA_DOCS_DIR,
            display_root=project_dir,
        )
        return results + detect_anomalies(cursor, as_of, thresholds.anomaly)
    finally:
        cursor.close()


def _key_results_by_metric(specs, catalog) -> dict[str, set[str]]:
    bound: dict[str, set[str]] = {}
    for loaded in specs:
        spec = loaded.spec
        for objective in spec.objectives:
            for key_result in objective.key_results:
                if isinstance(key_result, MilestoneKeyResult):
                    continue
                metric = series_key(key_result, catalog)[0]
                ident = f"{spec.team}/{spec.cycle_name}/{objective.id}/{key_result.id}"
                bound.setdefault(metric, set()).add(ident)
    return bound


def _exit_code(results: list[CheckResult]) -> int:
    statuses = {r.status for r in results}
    if "fail" in statuses:
        return EXIT_PROBLEMS
    if "error" in statuses:
        return EXIT_INVALID
    return EXIT_OK


def summary(outcome: CheckOutcome) -> list[str]:
    """Lines for the terminal: the counts, then every check that did not pass."""
    counts: dict[str, int] = {}
    for r in outcome.results:
        counts[r.status] = counts.get(r.status, 0) + 1
    by_data_status: dict[str, int] = {}
    for s in outcome.kpi_statuses.values():
        by_data_status[s.status] = by_data_status.get(s.status, 0) + 1
    lines = [
        f"{len(outcome.results)} checks: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())),
        "KPI data status: " + ", ".join(f"{n} {status}" for status, n in sorted(by_data_status.items())),
    ]
    lines += [f"{r.status.upper()} {r.message}" for r in outcome.results if r.status in {"warn", "fail", "error"}]
    return lines
