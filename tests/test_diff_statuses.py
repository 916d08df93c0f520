"""KPI target-status changes between two builds: hand-built kpis.kpi_status tables, expected rows by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from scorecard.diff.statuses import StatusChange, compare_kpi_status

NOV, OCT = date(2026, 11, 1), date(2026, 10, 1)

# (metric_name, cadence, period_start, value, target_value, target_status)
Row = tuple[str, str, date | None, float | None, float | None, str]

BASE: list[Row] = [
    ("mrr", "month", OCT, 5029.0, 5500.0, "off_target"),
    ("aov", "week", date(2026, 11, 9), 43.3, 40.0, "on_target"),
    ("cac", "month", OCT, 19.7, 20.0, "on_target"),
    ("nps", "month", OCT, 25.0, None, "no_target"),
    ("csat", "month", OCT, None, 8.0, "no_data"),
]


def _build(path: Path, rows: list[Row]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # a test compares more than once
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema kpis")
        con.execute(
            "create table kpis.kpi_status (metric_name varchar, cadence varchar, period_start date, value double, "
            "target_value double, target_status varchar)"
        )
        con.executemany("insert into kpis.kpi_status values (?, ?, ?, ?, ?, ?)", rows)
    finally:
        con.close()
    return path


def _compare(tmp_path: Path, head: list[Row], base: list[Row] = BASE) -> list[StatusChange]:
    return compare_kpi_status(_build(tmp_path / "base.duckdb", base), _build(tmp_path / "head.duckdb", head))


def _with(metric: str, **fields) -> list[Row]:
    columns = ("metric_name", "cadence", "period_start", "value", "target_value", "target_status")
    return [
        tuple(fields.get(column, value) for column, value in zip(columns, row, strict=True))
        if row[0] == metric
        else row
        for row in BASE
    ]


def test_identical_tables_and_a_moved_value_with_the_same_status_are_no_change(tmp_path):
    assert _compare(tmp_path, BASE) == []
    # the value moving is the values comparison's to report; the tile is still on target
    assert _compare(tmp_path, _with("aov", value=41.0)) == []


def test_a_raised_target_that_turns_the_tile(tmp_path):
    (change,) = _compare(tmp_path, _with("cac", target_value=15.0, target_status="off_target"))
    assert change == StatusChange("cac", "month", OCT, "month", OCT, 19.7, 19.7, 20.0, 15.0, "on_target", "off_target")


def test_a_moved_target_with_the_same_status_is_listed(tmp_path):
    (change,) = _compare(tmp_path, _with("mrr", target_value=6000.0))
    assert (change.base_target, change.head_target, change.base_status, change.head_status) == (
        5500.0,
        6000.0,
        "off_target",
        "off_target",
    )


def test_a_target_written_otherwise_is_no_change_but_a_target_added_is(tmp_path):
    assert _compare(tmp_path, _with("mrr", target_value=5500.0 * (1 + 1e-12))) == []
    (change,) = _compare(tmp_path, _with("nps", target_value=45.0, target_status="off_target"))
    assert (change.metric, change.base_target, change.head_target, change.head_status) == (
        "nps",
        None,
        45.0,
        "off_target",
    )


def test_a_kpi_on_one_side_only_and_a_new_cadence(tmp_path):
    head = [row for row in BASE if row[0] != "csat"] + [("dau", "day", date(2026, 11, 14), 1334.0, 1300.0, "on_target")]
    removed, added = _compare(tmp_path, head)
    assert (removed.metric, removed.base_status, removed.head_status, removed.period_start) == (
        "csat",
        "no_data",
        None,
        OCT,
    )
    assert (added.metric, added.base_status, added.head_status) == ("dau", None, "on_target")
    (weekly,) = _compare(tmp_path, _with("mrr", cadence="week", period_start=date(2026, 11, 9)), BASE)
    assert (weekly.cadence, weekly.period_start) == ("week", date(2026, 11, 9))
    # each side keeps its own period: the base's value is October's, not the week's
    assert (weekly.base_cadence, weekly.base_period_start, weekly.base_value) == ("month", OCT, 5029.0)
    assert (added.base_cadence, added.base_period_start) == (None, None)
