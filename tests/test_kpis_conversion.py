"""A conversion metric whose entity has many base rows: each conversion is credited once, to the latest base
row of its entity in the window, worked out by hand on tests/fixtures/raw_kpi_edges.yml and checked against
MetricFlow. The catalog's own conversion metric (visitor_conversion_rate) has one base row per entity (a
visit converts once), so which row is credited is tested here, on a copy of the project with one more KPI:
orders credited to the active days of their user in the 7 days before, over distinct active users (and the
same orders counted, the `conversions` calculation)."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from scorecard.metricflow_check import MetricFlowCheck
from tests.conftest import FIXTURES, copy_project, dbt, load_raw_fixture, query

pytestmark = pytest.mark.dbt

METRIC = "session_to_order_conversion"
COUNT_METRIC = "orders_after_activity"
PROPERTY_METRIC = "orders_three_days_after_activity"
KPI_META = """    config:
      meta:
        kpi:
          owner: commerce-lead
          unit: {unit}
          direction: higher_is_better
          cadence: week
          maturity_days: {maturity}
          dimensions: [{dimension}]
"""
CONVERSION_TEMPLATE = """
  - name: {name}
    label: {name}
    description: {description}
    type: conversion
    type_params:
      conversion_type_params:
        base_measure: {base}
        conversion_measure: placed_orders
        entity: user
        calculation: {calculation}
        window: 7 days{properties}
"""
# a constant property: an order is credited only to an active day of the same weekday as three days before it
SAME_WEEKDAY = (
    "\n        constant_properties:\n          - base_property: activity_weekday\n"
    "            conversion_property: weekday_three_days_before"
)
# ties: user 1 has two sessions on 12-31 (one opened from a push; the fixture below sets them up); the order
# that day is credited to one of them, the first by what the KPI splits by (false before true)
TIE_METRIC = "orders_after_session"
KPIS = "".join(
    CONVERSION_TEMPLATE.format(
        name=name, description=description, base=base, calculation=calculation, properties=properties
    )
    + KPI_META.format(unit=unit, maturity=6, dimension=dimension)
    for name, description, base, calculation, unit, properties, dimension in [
        (
            METRIC,
            "Orders within 7 days of a user's active day, per active user.",
            "active_users",
            "conversion_rate",
            "ratio",
            "",
            "user__platform",
        ),
        (
            COUNT_METRIC,
            "Orders within 7 days of an active day of the same user.",
            "active_users",
            "conversions",
            "count",
            "",
            "user__platform",
        ),
        (
            PROPERTY_METRIC,
            "Orders three days after an active day of the same user.",
            "active_users",
            "conversions",
            "count",
            SAME_WEEKDAY,
            "user__platform",
        ),
        (
            TIE_METRIC,
            "Orders within 7 days of a session of the same user.",
            "session_count",
            "conversions",
            "count",
            "",
            "session__opened_from_push",
        ),
    ]
)
# an unrelated KPI on the same semantic model, split otherwise (user 1's 12-31 sessions in the opposite order):
# what it splits by must not decide which of the tied sessions is credited
KPIS += """
  - name: early_sessions
    label: Early sessions
    description: Sessions, split by whether they started before 8 pm.
    type: simple
    type_params:
      measure: session_count
""" + KPI_META.format(unit="count", maturity=0, dimension="session__started_early")
AS_OF = "2027-01-06"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    scratch = tmp_path_factory.mktemp("kpi_conversion")
    project = copy_project(
        scratch / "project", ["dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks"]
    )
    _edit(
        project / "metrics" / "engagement.yml",
        ("\nmetrics:\n", "\nmetrics:\n" + KPIS),
        (
            "          time_granularity: day\n    measures:\n      - name: active_users\n",
            "          time_granularity: day\n      - name: activity_weekday\n        type: categorical\n"
            "        expr: isodow(activity_date)\n    measures:\n      - name: active_users\n",
        ),
        (
            "      - name: is_returning_user\n        type: categorical\n    measures:\n",
            "      - name: is_returning_user\n        type: categorical\n      - name: opened_from_push\n"
            "        type: categorical\n        expr: is_opened_from_push\n      - name: started_early\n"
            "        type: categorical\n        expr: hour(started_at) < 20\n    measures:\n"
            "      - name: session_count\n        agg: count\n        expr: session_id\n",
        ),
    )
    # the spec counts conversions (count, sum of 1 or count_distinct)
    _edit(
        project / "metrics" / "commerce.yml",
        (
            "    measures:\n      - name: order_revenue\n",
            "    measures:\n      - name: placed_orders\n        agg: count\n        expr: order_id\n"
            "      - name: order_revenue\n",
        ),
        (
            "      - name: is_cancelled\n        type: categorical\n",
            "      - name: is_cancelled\n        type: categorical\n      - name: weekday_three_days_before\n"
            "        type: categorical\n        expr: isodow(order_date - 3)\n",
        ),
    )
    # the user_days and sessions leaf tables now read the orders they credit
    for semantic_model in ("user_days", "sessions"):
        _edit(
            project / "models" / "kpis" / f"kpi_measures__{semantic_model}.sql",
            (
                "-- depends_on: {{ ref('dim_users') }}\n",
                "-- depends_on: {{ ref('dim_users') }}\n-- depends_on: {{ ref('fct_orders') }}\n",
            ),
        )
    warehouse = scratch / "conversion.duckdb"
    spec = load_raw_fixture(warehouse, FIXTURES / "raw_kpi_edges.yml")
    assert spec["as_of"] == AS_OF
    # user 1's 12-31 session (2) becomes push-opened and a second one (0), not, is added after it: the table
    # holds session 2 first, so its own order would credit that day's order to the push-opened one
    con = duckdb.connect(str(warehouse))
    con.execute("update raw.sessions set opened_from_push = true where session_id = 2")
    con.execute(
        "insert into raw.sessions (session_id, user_id, started_at, ended_at, platform, opened_from_push, _loaded_at) "
        "values (0, 1, '2026-12-31 19:00:00', '2026-12-31 19:05:00', 'ios', false, '2026-12-31 19:10:00')"
    )
    con.close()
    result = dbt(["build", "--exclude", "tag:data_quality"], warehouse, scratch, as_of=AS_OF, project=project)
    assert result.returncode == 0, result.stdout[-4000:]
    return warehouse, scratch


def _edit(path: Path, *replacements: tuple[str, str]) -> None:
    text = path.read_text()
    for old, new in replacements:
        assert old in text, f"{path.name} no longer holds {old!r}; update the test"
        text = text.replace(old, new, 1)
    path.write_text(text)


def values(path: Path, metric: str = METRIC) -> dict[tuple, tuple]:
    rows = query(
        path,
        "select grain, period_start, dimension_name, dimension_value, value, numerator, denominator "
        "from kpis.kpi_values where metric_name = ?",
        [metric],
    )
    return {tuple(row[:4]): tuple(row[4:]) for row in rows}


@pytest.mark.parametrize(
    ("grain", "period", "dimension", "segment", "expected"),
    [
        # user 1's order on Thu 12-31 has two active days of theirs in the 7 days to it (12-28 and 12-31): it
        # is credited to the latest, 12-31, and only to it; 12-28 has an active user and no credited order
        ("day", "2026-12-31", "all", "all", (1.0, 1.0, 1.0)),
        ("day", "2026-12-28", "all", "all", (None, None, 1.0)),
        # week 53: users 1 (ios) and 2 (android) active; one order, credited once
        ("week", "2026-12-28", "all", "all", (0.5, 1.0, 2.0)),
        ("week", "2026-12-28", "platform", "ios", (1.0, 1.0, 1.0)),
        ("week", "2026-12-28", "platform", "android", (None, None, 1.0)),
        # user 3's order on Sat 01-02 has no active day of theirs in the window (their only one is 11-01)
        ("month", "2027-01-01", "all", "all", (None, None, 1.0)),
        ("quarter", "2026-10-01", "platform", "web", (None, None, 1.0)),
    ],
)
def test_each_conversion_is_credited_once_to_the_latest_base_row(built, grain, period, dimension, segment, expected):
    row = values(built[0])[(grain, date.fromisoformat(period), dimension, segment)]
    assert (
        row == pytest.approx(expected, rel=1e-12)
        if expected[0] is not None
        else row[0] is None and row[1:] == expected[1:]
    )


def test_the_conversions_calculation_counts_the_credited_orders(built):
    credited = values(built[0], COUNT_METRIC)
    assert credited[("week", date(2026, 12, 28), "all", "all")] == (1.0, None, None)
    assert credited[("day", date(2026, 12, 31), "platform", "ios")] == (1.0, None, None)
    assert credited[("day", date(2026, 12, 28), "all", "all")] == (None, None, None)


def test_a_constant_property_limits_the_rows_an_event_is_credited_to(built):
    # user 1's order on Thu 12-31 goes to their active Monday 12-28 (three days before is a Monday), not to 12-31
    credited = values(built[0], PROPERTY_METRIC)
    assert credited[("day", date(2026, 12, 28), "all", "all")] == (1.0, None, None)
    assert credited[("day", date(2026, 12, 31), "all", "all")] == (None, None, None)


def test_of_base_rows_on_the_same_day_the_first_by_the_split_is_credited(built):
    credited = values(built[0], TIE_METRIC)
    assert credited[("day", date(2026, 12, 31), "all", "all")] == (1.0, None, None)
    assert credited[("day", date(2026, 12, 31), "opened_from_push", "false")] == (1.0, None, None)
    assert credited[("day", date(2026, 12, 31), "opened_from_push", "true")] == (None, None, None)


@pytest.mark.parametrize("metric", [METRIC, COUNT_METRIC, PROPERTY_METRIC])
def test_agrees_with_metricflow_at_every_grain_and_split(built, metric):
    warehouse, scratch = built
    ours = values(warehouse, metric)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        check = MetricFlowCheck(scratch / "target" / "semantic_manifest.json", con)
        compared = 0
        for grain in ("day", "week", "month", "quarter"):
            for dimension in (None, "user__platform"):
                _, rows = check.rows([metric], [f"metric_time__{grain}", *([dimension] if dimension else [])])
                theirs = {
                    (grain, _day(row[0]), "platform" if dimension else "all", row[1] if dimension else "all"): row[-1]
                    for row in rows
                }
                mine = {
                    key: value[0]
                    for key, value in ours.items()
                    if key[0] == grain and key[2] == ("platform" if dimension else "all")
                }
                assert set(mine) == set(theirs), (grain, dimension)
                for key, value in theirs.items():
                    assert (mine[key] is None) == (value is None), key
                    if value is not None:
                        assert mine[key] == pytest.approx(value, rel=1e-9), key
                    compared += 1
    finally:
        con.close()
    assert compared > 20


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def test_an_incremental_rerun_keeps_every_value(built, tmp_path):
    warehouse, _ = built
    path = tmp_path / "rerun.duckdb"
    shutil.copy(warehouse, path)
    result = dbt(["run", "--select", "kpis"], path, tmp_path, as_of=AS_OF, project=built[1] / "project")
    assert result.returncode == 0, result.stdout[-4000:]
    # an incremental run, not a full one: it recomputed the credits from the lookback on only
    run_sql = tmp_path / "target" / "run" / "scorecard" / "models" / "kpis" / "kpi_measures__user_days.sql"
    assert f"credits__{METRIC}__conversions" in run_sql.read_text()
    assert re.search(
        r"kpi_row_id\s+from \S+fct_user_days\"\s+where cast\(activity_date as date\) >= ", run_sql.read_text()
    )
    for metric in (METRIC, COUNT_METRIC, PROPERTY_METRIC, TIE_METRIC):
        assert values(path, metric) == values(warehouse, metric), metric
