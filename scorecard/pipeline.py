"""`scorecard run`: the main job. Checks the OKR and metric specs first (an invalid spec stops the run
before the warehouse is touched), then, holding the warehouse lock (scorecard/runlock.py), generates sample data
when the warehouse is empty, builds the dbt project (marts and KPIs), runs the data-quality checks,
then scores the OKRs for the as-of date, fills in the missing weekly check-ins of the running cycles
and writes reports/<as-of>/scorecard.{html,md,json}.

A failing dbt test does not stop the run: dbt skips the models below it (their previous tables stay),
the checks record the failure and mark every KPI and key result downstream, and the run exits 1. On a
first build there are no previous KPI tables: the run stops after the build, exit 1, naming the tests.
A model that fails to build stops the run (exit 3). Steps show as they run (scorecard/progress.py);
dbt's own console shows only its warnings and errors, and its build progress as nodes done of all."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from scorecard.config import reports_dir, warehouse_path
from scorecard.dbt import NodeProgress, quiet_console, run_dbt
from scorecard.errors import EXIT_INVALID, EXIT_OK, DataProblems, InvalidInput, StepFailed
from scorecard.metric_specs import check_metric_specs
from scorecard.okrs.catalog import load_catalog
from scorecard.okrs.load import load_specs
from scorecard.okrs.score import score
from scorecard.progress import StepProgress
from scorecard.quality.check import CheckInputs, load_check_inputs, run_checks, summary
from scorecard.quality.gx_suites import preload
from scorecard.report import write_reports
from scorecard.runlock import warehouse_lock
from scorecard.sample import SampleSpec, generate
from scorecard.warehouse import (
    connect,
    ensure_writable_dir,
    has_kpi_tables,
    has_raw_data,
    require_history_at,
)

log = logging.getLogger(__name__)


def run_pipeline(
    project_dir: Path,
    *,
    as_of: date,
    select: Sequence[str] = (),
    sample: bool = True,
    lock_timeout: float | None = None,
    as_of_defaulted: bool = False,
) -> int:
    """Run every step; ``lock_timeout`` is how long to wait for another run on the same warehouse
    (None: SCORECARD_LOCK_TIMEOUT or 300 s). ``as_of_defaulted``: the user left ``as_of`` at its default,
    the sample's date, which a warehouse holding later data refuses."""
    warehouse = warehouse_path(project_dir)
    with StepProgress() as progress:
        with progress.step("check OKR specs") as step:
            specs = load_specs([project_dir / "okrs"], load_catalog(project_dir), display_root=project_dir)
            if specs.errors:
                step.fail()
                for issue in specs.errors:
                    log.error("%s", issue)
                return EXIT_INVALID
        with progress.step("check metric specs"), quiet_console():
            check_metric_specs(project_dir, as_of)
            check_inputs = load_check_inputs(project_dir)  # the checks' settings: read now, not after the build
        # the reports are the last step: a folder they cannot go to is found before minutes of building
        ensure_writable_dir(reports_dir(project_dir) / str(as_of), what="the reports")
        with warehouse_lock(warehouse, lock_timeout, option="--lock-timeout"), quiet_console():
            return _run_steps(
                progress,
                project_dir,
                warehouse,
                check_inputs,
                as_of=as_of,
                select=select,
                sample=sample,
                as_of_defaulted=as_of_defaulted,
            )


def _run_steps(
    progress: StepProgress,
    project_dir: Path,
    warehouse: Path,
    check_inputs: CheckInputs,
    *,
    as_of: date,
    select: Sequence[str],
    sample: bool,
    as_of_defaulted: bool,
) -> int:
    if has_raw_data(warehouse):
        require_history_at(warehouse, as_of, refuse_default=as_of_defaulted)
    else:
        if not sample:
            # dbt's staging views read the raw schema, so a build would fail in ~150 lines of catalog errors
            raise InvalidInput(
                f"{warehouse}: no raw data to build from (--no-sample): load the source tables into its "
                "'raw' schema first, or run without --no-sample to generate the sample"
            )
        else:
            with progress.step("generate sample data"):
                result = generate(warehouse, SampleSpec(as_of=as_of))
                # a warning, not news: a scheduled run pointed at a mistyped SCORECARD_DUCKDB would otherwise
                # report made-up numbers with exit 0
                log.warning(
                    "%s had no raw data: generated the sample data (%s events for %s users) and reports on it; "
                    "where real data is expected, run with --no-sample, which stops instead",
                    warehouse,
                    f"{result.row_counts['events']:,}",
                    result.row_counts["users"],
                )
    preload()  # GX takes seconds to import: let that pass while dbt builds
    with progress.step("dbt build") as step:
        args = ["build"]
        if select:
            args += ["--select", *select]
        nodes = NodeProgress(lambda done, total: step.count(done, total, "nodes"))
        result = run_dbt(project_dir, warehouse, args, as_of=as_of, allow_failures=True, callbacks=[nodes])
        if select and not (getattr(result.result, "results", None) or []):
            # nothing was built; going on would record checks and reports for a run that did nothing
            raise InvalidInput(f"--select {' '.join(select)}: matches no model, test or seed in {project_dir}")
        _stop_on_model_errors(result, project_dir)
        _stop_when_tests_kept_the_kpi_tables_from_existing(result, warehouse, project_dir)
    with progress.step("data-quality checks"):
        outcome = run_checks(project_dir, as_of, run_dbt_tests=False, inputs=check_inputs)
        for line in summary(outcome):
            log.info("%s", line)
    with progress.step("score OKRs"):
        code = score(
            project_dir,
            [as_of],
            echo=lambda message, err=False: log.info("%s", message),
            weekly_history=True,
            after_own_build=True,
        )
    if code != EXIT_OK:
        return code
    with progress.step("write reports"):
        # written on failed checks too: the reports are where the problems show
        written = write_reports(project_dir, as_of)
        log.info("reports: %s (%s points at the newest)", written.directory, written.latest)
    return outcome.exit_code


def _stop_on_model_errors(result, project_dir: Path) -> None:
    """Test failures are the checks' business; a model or seed that failed to build is a failed step."""
    broken = [
        r.node.name
        for r in getattr(result.result, "results", None) or []
        if str(r.status).lower() == "error" and r.node.resource_type not in {"test", "unit_test"}
    ]
    if broken:
        raise StepFailed(
            f"dbt build failed: {_listed(broken)} (details above and in {project_dir / 'logs' / 'dbt.log'})"
        )


def _stop_when_tests_kept_the_kpi_tables_from_existing(result, warehouse: Path, project_dir: Path) -> None:
    """Exit 1 naming the failing tests when dbt skipped the KPI tables below them and the warehouse has none
    from an earlier build: on a first run there is nothing for the checks to mark, or to score and report,
    and the checks' own "no kpis.kpi_values yet; run `scorecard run`" (exit 2) blamed the command."""
    results = getattr(result.result, "results", None) or []
    if not any(r.node.name == "kpi_values" and str(r.status).lower() == "skipped" for r in results):
        return  # built, or left out by --select: the checks say what is missing
    failed = sorted(
        r.node.name
        for r in results
        if str(r.status).lower() in {"fail", "error"} and r.node.resource_type in {"test", "unit_test"}
    )
    con = connect(warehouse)
    try:
        if has_kpi_tables(con):
            return
    finally:
        con.close()
    shown = _listed(failed) or "a failure above them"
    raise DataProblems(
        f"{warehouse}: dbt skipped the KPI tables, which the warehouse does not have yet, below failing tests: "
        f"{shown} (details above and in {project_dir / 'logs' / 'dbt.log'}); nothing was checked, scored or "
        "reported: fix the data or the tests, then run again"
    )


def _listed(names: list[str]) -> str:
    """The first five names, then "and more"."""
    return ", ".join(names[:5]) + (" and more" if len(names) > 5 else "")
