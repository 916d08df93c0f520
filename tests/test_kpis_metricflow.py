"""kpi_values against MetricFlow, an independent implementation of the dbt Semantic Layer spec.

On the built sample, every KPI is queried from MetricFlow at every grain it exists at, for the total
and for its first declared dimension, and MetricFlow's own SQL runs on the same DuckDB file. Values
must agree within 1e-9 relative. Where the two engines legitimately differ, the difference is listed
below per metric with the reason, and only that part is left out.
"""

from __future__ import annotations

import collections
import json
from datetime import date, timedelta

import duckdb
import pytest

from scorecard.metricflow_check import MetricFlowCheck
from tests.conftest import SAMPLE_AS_OF

pytestmark = pytest.mark.dbt

AS_OF = date.fromisoformat(SAMPLE_AS_OF)
RELATIVE_TOLERANCE = 1e-9

# MetricFlow keeps evaluating a trailing window on the days after the last day of data (its time spine
# runs on), so for a period that is not over yet it takes the value of a later day than the as-of date.
# The compiler stops at the as-of date. Periods that are over agree exactly.
COMPLETE_PERIODS_ONLY = {
    "wau": "trailing 7-day window evaluated past the as-of date in the current period",
    "mau": "trailing 28-day window evaluated past the as-of date in the current period",
    "stickiness": "its denominator average_mau is a trailing window (see mau)",
    "loyalty_adoption_rate": "all-time cumulative inputs evaluated past the as-of date in the current period",
}

# offset_window: 1 month. MetricFlow shifts every day back one calendar month and re-aggregates the
# shifted days into the requested grain; the compiler compares a period with the period one month
# earlier, which exists only for days and months (a month before a Monday is rarely a Monday).
GRAINS_NOT_COMPARED = {
    "revenue_growth_rate": {"week", "quarter"},
}

# period_agg: average. MetricFlow averages a cumulative metric over the period's days that have members, the
# compiler over all the period's days (a day without members counting 0), so stickiness, the ratio of two
# such averages (daily actives over 28-day actives), sums both over the same days. The two agree where the
# segment had actives on every day of the period since its first; elsewhere (a segment's quiet days, at
# the start of the sample's history) they differ by definition, and the row is counted, not compared.
AVERAGE_OVER_ALL_DAYS = {"stickiness": "dau"}  # the KPI, and the one whose day rows say when it had actives


def every_day_active(con, metric: str, dimension_name: str) -> dict:
    """For (segment): the set of days on which ``metric`` has a day row, and the first of them."""
    days = collections.defaultdict(set)
    for segment, day in con.execute(
        "select dimension_value, period_start from kpis.kpi_values where metric_name = ? and grain = 'day' "
        "and dimension_name = ?",
        [metric, dimension_name],
    ).fetchall():
        days[segment].add(day)
    return days


def _active_throughout(days: set, start: date, end: date) -> bool:
    first = max(start, min(days, default=end))
    return all(first + timedelta(days=n) in days for n in range((min(end, AS_OF) - first).days + 1))


# A simple metric whose measure sets fill_nulls_with: MetricFlow fills it in on every row another metric of
# the same query has (this test batches metrics per query), where kpi_values, as MetricFlow queried for
# that metric alone, has no row. A missing row against the fill value is that, not a difference; every
# value both engines have is compared, and ratios built on it (churn, arpu) are compared in full.


def fill_values(semantic_manifest) -> dict[str, float]:
    manifest = json.loads(semantic_manifest.read_text())
    measures = {metric["name"]: metric["type_params"].get("measure") or {} for metric in manifest["metrics"]}
    return {
        name: float(measure["fill_nulls_with"])
        for name, measure in measures.items()
        if measure.get("fill_nulls_with") is not None
    }


# Rows whose user has not been loaded yet: MetricFlow groups them under NULL, the compiler merges them
# with users whose country is unknown into the segment 'unknown'. Every other segment is compared.
SEGMENT_NOT_COMPARED = "unknown"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= RELATIVE_TOLERANCE * max(1.0, abs(a), abs(b))


@pytest.fixture(scope="module")
def comparison(built_sample):
    con = duckdb.connect(str(built_sample["path"]))
    try:
        check = MetricFlowCheck(built_sample["target"] / "semantic_manifest.json", con)
        fills = fill_values(built_sample["target"] / "semantic_manifest.json")
        filled_by_metricflow = collections.Counter()
        definitions = con.execute("select metric_name, dimensions from kpis.kpi_definitions").fetchall()
        grains = collections.defaultdict(set)
        for metric, grain in con.execute("select distinct metric_name, grain from kpis.kpi_values").fetchall():
            grains[metric].add(grain)
        batches = collections.defaultdict(list)
        for metric, dimensions in definitions:
            first = dimensions.split(", ")[0].replace(".", "__") if dimensions else None
            for grain in grains[metric] - GRAINS_NOT_COMPARED.get(metric, set()):
                batches[(grain, None)].append(metric)
                if first:
                    batches[(grain, first)].append(metric)

        compared = collections.Counter()
        by_definition = collections.Counter()
        mismatches = []
        for (grain, dimension), metrics in sorted(batches.items(), key=str):
            time_column = f"metric_time__{grain}"
            columns, rows = check.rows(metrics, [time_column] + ([dimension] if dimension else []))
            dimension_name = dimension.split("__")[1] if dimension else "all"
            for metric in metrics:
                active_days = (
                    every_day_active(con, AVERAGE_OVER_ALL_DAYS[metric], dimension_name)
                    if metric in AVERAGE_OVER_ALL_DAYS
                    else None
                )
                ours = {
                    (period, segment): (value, period_end)
                    for period, period_end, segment, value in con.execute(
                        """
                        select period_start, period_end, dimension_value, value from kpis.kpi_values
                        where metric_name = ? and grain = ? and dimension_name = ?
                        """,
                        [metric, grain, dimension_name],
                    ).fetchall()
                }
                theirs = {}
                for row in rows:
                    period = row[columns.index(time_column)]
                    if period is None or period.date() > AS_OF:
                        continue
                    segment = "all" if dimension is None else row[columns.index(dimension)]
                    value = row[columns.index(metric)]
                    theirs[(period.date(), "unknown" if segment is None else str(segment))] = (
                        None if value is None else float(value)
                    )
                for key in set(ours) | set(theirs):
                    if key[1] == SEGMENT_NOT_COMPARED:
                        continue
                    if key not in ours and metric in fills and theirs.get(key) == fills[metric]:
                        filled_by_metricflow[metric] += 1
                        continue
                    value, period_end = ours.get(key, (None, None))
                    if metric in COMPLETE_PERIODS_ONLY and (period_end is None or period_end > AS_OF):
                        continue
                    other = theirs.get(key)
                    if value is None and other is None:
                        continue
                    if active_days is not None and not _active_throughout(
                        active_days[key[1]], key[0], period_end or key[0]
                    ):
                        by_definition[metric] += 1
                        continue
                    compared[metric] += 1
                    if value is None or other is None or not _close(value, other):
                        mismatches.append((metric, grain, dimension_name, key, value, other))
        return {
            "compared": compared,
            "mismatches": mismatches,
            "definitions": definitions,
            "grains": grains,
            "fills": fills,
            "filled_by_metricflow": filled_by_metricflow,
            "by_definition": by_definition,
        }
    finally:
        con.close()


def test_every_kpi_value_agrees_with_metricflow(comparison):
    mismatches = comparison["mismatches"]
    assert not mismatches, f"{len(mismatches)} values differ, e.g. {mismatches[:5]}"


def test_every_kpi_was_compared_at_every_grain_it_has(comparison):
    compared = comparison["compared"]
    for metric, _ in comparison["definitions"]:
        assert compared[metric] >= len(comparison["grains"][metric]), metric
    assert sum(compared.values()) > 20_000


def test_known_differences_name_real_kpis(comparison):
    names = {metric for metric, _ in comparison["definitions"]}
    assert set(COMPLETE_PERIODS_ONLY) <= names and set(GRAINS_NOT_COMPARED) <= names
    assert set(AVERAGE_OVER_ALL_DAYS) | set(AVERAGE_OVER_ALL_DAYS.values()) <= names
    # the rows left out by definition are the few with a quiet day, not the series
    (left_out,) = comparison["by_definition"].values() or [0]
    assert 0 < left_out < comparison["compared"]["stickiness"] / 10
    # only a metric that declares a fill is let off a missing row, and the one KPI among them is
    assert set(comparison["filled_by_metricflow"]) <= set(comparison["fills"]) & names
    assert comparison["fills"] == {"order_revenue": 0.0, "buyers": 0.0, "subscription_cancellations": 0.0}
