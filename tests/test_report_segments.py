"""The report's "moved most" segment, on hand-written KPI tables: which segments are big enough to count,
and which periods may be compared."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from scorecard.report.kpi_health import _segment_moves

PRIOR, LATEST = date(2026, 11, 2), date(2026, 11, 9)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema kpis")
    con.execute(
        """
        create table kpis.kpi_values (
            metric_name varchar, grain varchar, dimension_name varchar, dimension_value varchar,
            period_start date, value double, numerator double, denominator double, is_complete boolean
        )
        """
    )
    con.execute("create table kpis.kpi_definitions (metric_name varchar, cadence varchar, is_sized_by_value boolean)")
    con.execute("create table kpis.kpi_status (metric_name varchar, period_start date, prior_period_start date)")
    yield con
    con.close()


def _kpi(con, metric: str, sized_by_value: bool, rows: list[tuple], *, latest_complete: bool = True) -> None:
    """rows: (segment, prior value, latest value, prior denominator, latest denominator); segment None is the total."""
    con.execute("insert into kpis.kpi_definitions values (?, 'week', ?)", [metric, sized_by_value])
    con.execute("insert into kpis.kpi_status values (?, ?, ?)", [metric, LATEST, PRIOR])
    for segment, prior, latest, prior_weight, latest_weight in rows:
        dimension, value = ("all", "all") if segment is None else ("country", segment)
        for start, v, weight, complete in (
            (PRIOR, prior, prior_weight, True),
            (LATEST, latest, latest_weight, latest_complete),
        ):
            con.execute(
                "insert into kpis.kpi_values values (?, 'week', ?, ?, ?, ?, ?, ?, ?)",
                [metric, dimension, value, start, v, None if weight is None else v * weight, weight, complete],
            )


def test_a_count_weighs_its_segments_by_their_value(con):
    # orders 1000 -> 1000: DE 500 -> 505 (+5), FR 460 -> 485 (+25); LU 40 -> 10 (-30) held 4% then 1% of
    # the orders, under 5% in both weeks, so it is left out and FR moved most. Before: a count has no
    # numerator or denominator, every segment counted and the 40-order segment won.
    rows = [
        (None, 1000, 1000, None, None),
        ("DE", 500, 505, None, None),
        ("FR", 460, 485, None, None),
        ("LU", 40, 10, None, None),
    ]
    _kpi(con, "orders", True, rows)
    (move,) = _segment_moves(con).values()
    assert (move.segment, move.prior_value, move.value, move.change) == ("FR", 460, 485, 25)


def test_a_count_or_amount_that_fell_from_a_large_share_is_still_a_move(con):
    # new-customer revenue 944k -> 1,052k: rep_02 fell from 170,200 (18% of the total) to 43,100 (4.1%),
    # a move of -127,100 by its own size; rep_04 rose 90,300 -> 205,700 (+115,400). rep_02 moved most.
    rows = [
        (None, 943_900, 1_052_200, None, None),
        ("rep_02", 170_200, 43_100, None, None),
        ("rep_04", 90_300, 205_700, None, None),
    ]
    _kpi(con, "new_customer_revenue", True, rows)
    (move,) = _segment_moves(con).values()
    assert (move.segment, move.change) == ("rep_02", -127_100)


def test_a_ratio_weighs_its_segments_by_their_denominator(con):
    # 30% of 1000 -> 32% of 1000: FR 30% -> 31% on 400 users; MT 20% -> 60% on 40 users (4%) is too small
    rows = [(None, 0.30, 0.32, 1000, 1000), ("FR", 0.30, 0.31, 400, 400), ("MT", 0.20, 0.60, 40, 40)]
    _kpi(con, "d1_retention", False, rows)
    (move,) = _segment_moves(con).values()
    assert move.segment == "FR" and move.change == pytest.approx(0.01)


def test_a_percentile_has_no_size_and_keeps_every_segment(con):
    # a p99 latency is not a share of the total: the segment's value says nothing of its size
    rows = [(None, 900, 950, None, None), ("search", 2000, 1000, None, None), ("home", 400, 420, None, None)]
    _kpi(con, "api_p99_latency_ms", False, rows)
    (move,) = _segment_moves(con).values()
    assert (move.segment, move.change) == ("search", -1000)


def test_an_incomplete_latest_period_has_no_move(con):
    # the latest week is not complete (a cohort still maturing, or data behind the as-of date): its segments
    # are not judged, as its total is not
    _kpi(
        con,
        "d1_retention",
        False,
        [(None, 0.30, 0.20, 1000, 500), ("GB", 0.65, 0.40, 400, 200)],
        latest_complete=False,
    )
    assert _segment_moves(con) == {}
