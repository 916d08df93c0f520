"""KPI value changes between two builds: hand-built kpis.kpi_values tables, expected results worked out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from scorecard.diff.values import Change, MetricGrainChange, compare_kpi_values, find_renames

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
PERIOD_END = {JAN: date(2026, 1, 31), FEB: date(2026, 2, 28), MAR: date(2026, 3, 31)}

# (metric_name, grain, period_start, dimension_name, dimension_value, value)
Row = tuple[str, str, date, str, str, float | None]

# revenue by month: the total and two countries that add up to it
REVENUE: list[Row] = [
    ("revenue", "month", JAN, "all", "all", 100.0),
    ("revenue", "month", JAN, "country", "DE", 60.0),
    ("revenue", "month", JAN, "country", "FR", 40.0),
    ("revenue", "month", FEB, "all", "all", 200.0),
    ("revenue", "month", FEB, "country", "DE", 120.0),
    ("revenue", "month", FEB, "country", "FR", 80.0),
    ("revenue", "month", MAR, "all", "all", 300.0),
    ("revenue", "month", MAR, "country", "DE", 180.0),
    ("revenue", "month", MAR, "country", "FR", 120.0),
]


def _build(path: Path, rows: list[Row]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema kpis")
        con.execute(
            "create table kpis.kpi_values (metric_name varchar, grain varchar, period_start date, period_end date, "
            "dimension_name varchar, dimension_value varchar, value double)"
        )
        for metric, grain, start, dimension, member, value in rows:
            con.execute(
                "insert into kpis.kpi_values values (?, ?, ?, ?, ?, ?, ?)",
                [metric, grain, start, PERIOD_END.get(start, start), dimension, member, value],
            )
    finally:
        con.close()
    return path


def _compare(tmp_path: Path, base: list[Row], head: list[Row]) -> list[MetricGrainChange]:
    return compare_kpi_values(_build(tmp_path / "base.duckdb", base), _build(tmp_path / "head.duckdb", head))


def _replace(rows: list[Row], period: date, member: str, value: float | None) -> list[Row]:
    """The rows with the value of one revenue row (period, segment or 'all') replaced."""
    return [(*row[:5], value) if row[2] == period and row[4] == member else row for row in rows]


def test_identical_tables_have_no_changes(tmp_path):
    rows = [*REVENUE, ("arpu", "month", JAN, "all", "all", None)]  # NULL on both sides is no change either
    assert _compare(tmp_path, rows, list(rows)) == []


def test_total_and_segment_change_in_one_period(tmp_path):
    # February: total 200 -> 210 and France 80 -> 90. Both move by 10; relative 10/200 = 0.05 and 10/80 = 0.125.
    head = _replace(_replace(REVENUE, FEB, "all", 210.0), FEB, "FR", 90.0)
    [change] = _compare(tmp_path, REVENUE, head)
    assert change == MetricGrainChange(
        metric="revenue",
        grain="month",
        changed_periods=1,
        changed_rows=2,
        total_periods=3,
        # a tie on the size of the change goes to the total
        largest_absolute=Change(FEB, "all", "all", 200.0, 210.0),
        largest_relative=Change(FEB, "country", "FR", 80.0, 90.0),
    )
    assert change.absolute() == 10.0
    assert change.relative() == 0.125


def test_tie_goes_to_the_total_even_in_an_earlier_period(tmp_path):
    # January total 100 -> 105 and March Germany 180 -> 185: both +5, the total wins over the later segment.
    head = _replace(_replace(REVENUE, JAN, "all", 105.0), MAR, "DE", 185.0)
    [change] = _compare(tmp_path, REVENUE, head)
    assert change.largest_absolute == Change(JAN, "all", "all", 100.0, 105.0)
    assert change.absolute() == 5.0


def test_tie_between_segments_goes_to_the_latest_period(tmp_path):
    # Germany: January 60 -> 65 and March 180 -> 185, both +5; relative 5/60 beats 5/180.
    head = _replace(_replace(REVENUE, JAN, "DE", 65.0), MAR, "DE", 185.0)
    [change] = _compare(tmp_path, REVENUE, head)
    assert (change.changed_periods, change.changed_rows) == (2, 2)
    assert change.largest_absolute == Change(MAR, "country", "DE", 180.0, 185.0)
    assert change.largest_relative == Change(JAN, "country", "DE", 60.0, 65.0)
    assert change.relative() == 5.0 / 60.0


def test_relative_change_is_against_the_size_of_a_negative_before(tmp_path):
    # net churn January -50 -> -40 and February 100 -> 110: both +10, the later period is the largest absolute;
    # relative 10/|-50| = 0.2 (not -0.2) beats 10/100 = 0.1.
    base: list[Row] = [("net", "month", JAN, "all", "all", -50.0), ("net", "month", FEB, "all", "all", 100.0)]
    head: list[Row] = [("net", "month", JAN, "all", "all", -40.0), ("net", "month", FEB, "all", "all", 110.0)]
    [change] = _compare(tmp_path, base, head)
    assert change.largest_absolute == Change(FEB, "all", "all", 100.0, 110.0)
    assert change.largest_relative == Change(JAN, "all", "all", -50.0, -40.0)
    assert change.absolute() == 10.0
    assert change.relative() == 0.2


def test_row_only_in_head_is_a_change_with_no_before(tmp_path):
    head = [*REVENUE, ("revenue", "month", MAR, "country", "IT", 7.0)]
    [change] = _compare(tmp_path, REVENUE, head)
    assert (change.changed_periods, change.changed_rows, change.total_periods) == (1, 1, 3)
    # no row has a value on both sides, so there is no size to rank by
    assert change.largest_absolute is None
    assert change.largest_relative is None
    assert change.absolute() is None
    assert change.relative() is None


def test_row_appearing_with_a_null_value_is_a_change(tmp_path):
    # absent in base and NULL in head are both "no number", but the row itself is new
    head = [*REVENUE, ("revenue", "month", FEB, "country", "IT", None)]
    [change] = _compare(tmp_path, REVENUE, head)
    assert (change.changed_periods, change.changed_rows) == (1, 1)


def test_row_only_in_base_is_a_change(tmp_path):
    head = [row for row in REVENUE if row[2] != JAN]  # January gone from head: three rows disappear
    [change] = _compare(tmp_path, REVENUE, head)
    assert (change.changed_periods, change.changed_rows, change.total_periods) == (1, 3, 3)


def test_null_to_number_is_a_change(tmp_path):
    base = _replace(REVENUE, JAN, "FR", None)
    [change] = _compare(tmp_path, base, REVENUE)
    assert (change.changed_periods, change.changed_rows) == (1, 1)
    assert change.largest_absolute is None  # NULL -> 40 has no size


def test_float_noise_is_no_change_but_a_real_move_is(tmp_path):
    noisy = _replace(REVENUE, FEB, "all", 200.0 * (1 + 1e-13))
    assert noisy != REVENUE
    assert _compare(tmp_path / "noise", REVENUE, noisy) == []
    moved = _replace(REVENUE, FEB, "all", 200.0 * (1 + 1e-6))
    [change] = _compare(tmp_path / "moved", REVENUE, moved)
    assert change.changed_rows == 1


def test_zero_to_a_tiny_number_is_a_change_with_no_relative_size(tmp_path):
    base: list[Row] = [("refunds", "day", JAN, "all", "all", 0.0), ("refunds", "day", FEB, "all", "all", 0.0)]
    head: list[Row] = [("refunds", "day", JAN, "all", "all", 0.0), ("refunds", "day", FEB, "all", "all", 1e-300)]
    [change] = _compare(tmp_path, base, head)
    assert change.largest_absolute == Change(FEB, "all", "all", 0.0, 1e-300)
    assert change.largest_relative is None  # relative to zero is undefined


def test_only_the_changed_metric_is_reported(tmp_path):
    orders: list[Row] = [("orders", "month", JAN, "all", "all", 10.0), ("orders", "month", FEB, "all", "all", 20.0)]
    head = [*REVENUE, *_replace(orders, FEB, "all", 25.0)]
    changes = _compare(tmp_path, [*REVENUE, *orders], head)
    assert [(c.metric, c.grain, c.changed_rows, c.total_periods) for c in changes] == [("orders", "month", 1, 2)]
    assert changes[0].absolute() == 5.0


def test_sorted_by_metric_then_grain_from_day_to_quarter(tmp_path):
    base: list[Row] = [
        (metric, grain, JAN, "all", "all", 1.0)
        for metric, grain in [("b", "day"), ("a", "quarter"), ("a", "week"), ("a", "month"), ("a", "day")]
    ]
    head = [(*row[:5], 2.0) for row in base]
    changes = _compare(tmp_path, base, head)
    assert [(c.metric, c.grain) for c in changes] == [
        ("a", "day"),
        ("a", "week"),
        ("a", "month"),
        ("a", "quarter"),
        ("b", "day"),
    ]


def test_database_paths_with_quotes(tmp_path):
    directory = tmp_path / "it's here"
    head = _replace(REVENUE, JAN, "all", 101.0)
    [change] = compare_kpi_values(_build(directory / "base.duckdb", REVENUE), _build(directory / "head.duckdb", head))
    assert change.largest_absolute == Change(JAN, "all", "all", 100.0, 101.0)


def _renamed(rows: list[Row], name: str) -> list[Row]:
    return [(name, *row[1:]) for row in rows]


def _renames(tmp_path: Path, base: list[Row], head: list[Row]) -> list[tuple[str, str, int]]:
    found = find_renames(_build(tmp_path / "base.duckdb", base), _build(tmp_path / "head.duckdb", head))
    return [(r.base_metric, r.head_metric, r.rows) for r in found]


ORDERS: list[Row] = [("orders", "month", JAN, "all", "all", 10.0), ("orders", "month", FEB, "all", "all", 20.0)]


def test_a_kpi_renamed_with_its_rows_untouched_is_a_rename(tmp_path):
    # float noise is no change, as in the comparison
    head = [*_renamed(_replace(REVENUE, MAR, "FR", 120.0 * (1 + 1e-12)), "sales"), *ORDERS]
    assert _renames(tmp_path, [*REVENUE, *ORDERS], head) == [("revenue", "sales", 9)]


def test_one_value_moved_or_one_row_fewer_is_no_rename(tmp_path):
    assert _renames(tmp_path / "moved", REVENUE, _renamed(_replace(REVENUE, FEB, "DE", 121.0), "sales")) == []
    assert _renames(tmp_path / "fewer", REVENUE, _renamed(REVENUE[:-1], "sales")) == []
    assert _renames(tmp_path / "more", REVENUE[:-1], _renamed(REVENUE, "sales")) == []
    other_segment = [(*row[:4], "ES" if row[4] == "FR" else row[4], row[5]) for row in REVENUE]
    assert _renames(tmp_path / "segment", REVENUE, _renamed(other_segment, "sales")) == []


def test_a_kpi_matching_two_new_kpis_or_on_both_sides_is_no_rename(tmp_path):
    two_copies = [*_renamed(REVENUE, "sales"), *_renamed(REVENUE, "turnover")]
    assert _renames(tmp_path / "copies", REVENUE, two_copies) == []
    # revenue stays and sales is a new KPI with its values: an addition, not a rename
    assert _renames(tmp_path / "kept", REVENUE, [*REVENUE, *_renamed(REVENUE, "sales")]) == []
    # two renames at once, each told apart by its values
    head = [*_renamed(REVENUE, "sales"), *_renamed(ORDERS, "order_count")]
    assert _renames(tmp_path / "both", [*REVENUE, *ORDERS], head) == [
        ("orders", "order_count", 2),
        ("revenue", "sales", 9),
    ]
