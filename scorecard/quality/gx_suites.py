"""Great Expectations suites (`checks/expectations/*.json`, GX Core 1.x) validated against the warehouse.

GX's SQL datasource returns empty results against DuckDB today, so GX validates pandas frames read
from DuckDB. Frames of every row would make the cost follow the row count (seconds per ten million
rows, in pandas and in GX's fingerprinting of each frame), so DuckDB does the heavy lifting and each
expectation is validated on the smallest frame that gives GX's exact answer:

- column-map and column-pair expectations whose verdict on a row depends on that row alone (not null,
  between, in set, A > B, ...), min/max under a row condition, and the row count: the distinct
  combinations of the columns they read with how many rows share each (DuckDB's `group by`); a column
  only not-null checks read is reduced to null / not null. GX judges every combination; the runner
  weighs GX's verdicts by those counts and applies `mostly` the way GX does (the row count is the
  counts' sum);
- column min/max without a row condition (freshness, bounds): two rows, DuckDB's min and max;
- uniqueness: the rows that can break it, the copies of every key held by more than one row or with a
  null (rebuilt from DuckDB's per-key counts); every other row is unique and is counted as judged;
- anything else: the rows themselves, only the columns read.

No frame exceeds `chunk_rows` rows unless one key alone has more copies: larger reads are split
(grouped frames by hash of the combination, row frames by hash of `meta.scorecard.partition_by`, so
that the copies of a key share a chunk, uniqueness frames between keys) and the per-chunk results are
merged (counts summed, then `mostly` applied; min and max combined). An expectation whose result cannot
be merged stops the run with an error naming its file when its table needs more than one chunk.

A suite's `meta.scorecard` names the table (`schema.table`), the dbt node its checks report against,
the key to partition chunks by, optional lookups (columns joined from another table, such as a KPI's
unit) and, for kpi_values, the column naming the metric of a failing row. Bounds relative to the run's
as-of moment are parameters: `{"$PARAMETER": "as_of_minus_24h"}` (`as_of`, `as_of_minus_<N>h|d`,
`as_of_plus_<N>h|d`).

The runner is split by step: `gx_suite_files` loads and checks the suite files, `gx_frames` plans each
suite against the warehouse and reads its frames, `gx_judge` has GX validate them (and builds Data Docs),
`gx_results` merges the per-frame results into one CheckResult per expectation, and `gx_common` holds
the settings, the GX import and small helpers. This module runs them and is what the rest of the
project imports.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scorecard.quality.gx_common import GxSettings, gx_module, preload, quiet
from scorecard.quality.gx_frames import plan_suite, read_frames
from scorecard.quality.gx_judge import Judge
from scorecard.quality.gx_results import Tally, check_result, settle
from scorecard.quality.gx_suite_files import Suite, load_suites, parameter_values
from scorecard.quality.results import CheckResult

if TYPE_CHECKING:
    import duckdb

__all__ = ["GxSettings", "Suite", "load_suites", "preload", "run_suites"]


def run_suites(
    con: duckdb.DuckDBPyConnection,
    suites_dir: Path,
    as_of_moment: datetime,
    settings: GxSettings,
    docs_dir: Path | None,
    display_root: Path,
) -> list[CheckResult]:
    """Validate every suite in ``suites_dir`` against the warehouse ``con`` is connected to; one
    CheckResult per expectation. Builds Data Docs in ``docs_dir`` when given. A broken suite file raises
    InvalidInput naming it before anything runs."""
    moment = _naive_utc(as_of_moment)
    suites = load_suites(suites_dir, display_root)
    plans = [plan_suite(con, suite, settings, moment) for suite in suites]
    results: list[CheckResult] = []
    with quiet():
        judge = Judge(gx_module(), settings, docs_dir)
        for plan in plans:
            parameters = parameter_values(plan.suite.parameters, moment)
            tallies = {e.position: Tally() for e in plan.suite.expectations}
            # One frame at a time: what is held in memory stays within chunk_rows rows.
            for frame in read_frames(con, plan, settings):
                judge.judge(plan, frame, parameters, tallies)
            for e in plan.suite.expectations:
                settle(e, tallies[e.position], parameters)
            results += [check_result(plan, e, tallies[e.position], moment, parameters) for e in plan.suite.expectations]
            if docs_dir is not None:
                judge.keep_for_docs(plan, tallies, parameters, moment)
        if docs_dir is not None:
            judge.build_docs()
    return results


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
