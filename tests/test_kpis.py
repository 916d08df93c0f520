"""KPI values built by a real `dbt build` from tests/fixtures/raw_kpi_edges.yml, worked out by hand.

Edge cases: empty periods (no row, not zero), division by zero (a row with a null value), a segment
present in the numerator but absent from the denominator, immature cohorts, the 2026/2027 year
boundary and ISO week 53 (2026-12-28 .. 2027-01-03), a conversion window's last day.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, dbt, load_raw_fixture, query

pytestmark = pytest.mark.dbt

ABSENT = "absent"


@pytest.fixture(scope="module")
def edges(tmp_path_factory) -> Path:
    scratch = tmp_path_factory.mktemp("kpi_edges")
    path = scratch / "edges.duckdb"
    spec = load_raw_fixture(path, FIXTURES / "raw_kpi_edges.yml")
    result = dbt(["build", "--exclude", "tag:data_quality"], path, scratch, as_of=spec["as_of"])
    assert result.returncode == 0, result.stdout[-4000:]
    return path


def kpi(path: Path, metric: str, grain: str, period: str, dimension: str = "all", segment: str = "all"):
    rows = query(
        path,
        """
        select value, numerator, denominator, period_end, is_complete from kpis.kpi_values
        where metric_name = ? and grain = ? and period_start = ? and dimension_name = ? and dimension_value = ?
        """,
        [metric, grain, date.fromisoformat(period), dimension, segment],
    )
    assert len(rows) <= 1
    return rows[0] if rows else ABSENT


@pytest.mark.parametrize(
    ("metric", "grain", "period", "dimension", "segment", "expected"),
    [
        # distinct active users; nobody active on 12-29 or 01-02: no row rather than a zero
        ("dau", "day", "2026-12-28", "all", "all", 1.0),
        ("dau", "day", "2026-12-29", "all", "all", ABSENT),
        ("dau", "day", "2027-01-02", "all", "all", ABSENT),
        ("dau", "week", "2026-12-28", "all", "all", 2.0),  # ISO week 53 holds users 1 and 2
        ("dau", "week", "2027-01-04", "all", "all", 1.0),
        ("dau", "month", "2026-12-01", "all", "all", 2.0),
        ("dau", "month", "2027-01-01", "all", "all", 1.0),
        ("dau", "quarter", "2026-10-01", "all", "all", 3.0),  # user 3's November session counts
        ("dau", "month", "2026-12-01", "platform", "android", 1.0),
        # trailing windows: 7 days to Sunday 01-03 hold users 1 and 2; 7 days to 01-06 only user 1
        ("wau", "week", "2026-12-28", "all", "all", 2.0),
        ("wau", "day", "2027-01-02", "all", "all", 2.0),
        ("wau", "day", "2027-01-05", "all", "all", 2.0),
        ("wau", "day", "2027-01-06", "all", "all", 1.0),
        ("wau", "week", "2027-01-04", "all", "all", 1.0),
        # user 2 (android), active on 12-30 only, is in the window to Sunday 01-03, and leaves it on 01-06,
        # the running week's last day: android has no value for that week (it had its 01-05 value, 1)
        ("wau", "week", "2026-12-28", "platform", "android", 1.0),
        ("wau", "day", "2027-01-05", "platform", "android", 1.0),
        ("wau", "day", "2027-01-06", "platform", "android", ABSENT),
        ("wau", "week", "2027-01-04", "platform", "android", ABSENT),
        ("wau", "month", "2027-01-01", "platform", "android", ABSENT),
        # stickiness: DAU over trailing-28-day actives on a day; at coarser grains the period's average DAU
        # over its average 28-day actives, both over all its days (a day without actives counts 0). ISO
        # week 53: DAU 1 on four of its days, 0 on three; 28-day actives 1, 1 (user 1 from 12-28), then 2
        # for five days (user 2 from 12-30): (4 / 7) / (12 / 7). December: DAU 1 on 12-28, 30 and 31;
        # 28-day actives 1, 1, 2, 2 from 12-28, 0 before (user 3's November 1st has left the window):
        # (3 / 31) / (6 / 31). dau / mau read 2 / 2 for both; averages over active days only, 7 / 12 and 2 / 3.
        ("stickiness", "day", "2026-12-30", "all", "all", 0.5),
        ("stickiness", "week", "2026-12-28", "all", "all", 1 / 3),
        ("stickiness", "month", "2026-12-01", "all", "all", 1 / 2),
        # returning-user sessions opened from push: 0 of 0 on a signup-only day is undefined, not 0%
        ("push_return_share", "day", "2026-12-28", "all", "all", None),
        ("push_return_share", "day", "2026-12-31", "all", "all", 0.0),
        ("push_return_share", "day", "2027-01-01", "all", "all", 1.0),
        ("push_return_share", "week", "2026-12-28", "all", "all", 0.5),
        # user 3 (web) buys in January without being active: web is in the numerator only
        ("paying_user_share", "month", "2027-01-01", "platform", "web", None),
        ("paying_user_share", "month", "2027-01-01", "all", "all", 1.0),
        ("paying_user_share", "month", "2026-12-01", "platform", "ios", 1.0),
        ("paying_user_share", "month", "2026-12-01", "all", "all", 0.5),
        # buyers fill_nulls_with 0: user 2 (android) is active in December and never buys, so android is in
        # the denominator only: 0 of 1, not unknown; likewise a day with sessions and no order
        ("paying_user_share", "month", "2026-12-01", "platform", "android", 0.0),
        ("paying_user_share", "day", "2026-12-28", "all", "all", 0.0),
        ("arpu", "month", "2026-12-01", "platform", "android", 0.0),
        ("arpu", "day", "2026-12-30", "all", "all", 0.0),
        # orders either side of the year boundary fall in the same ISO week
        ("aov", "week", "2026-12-28", "all", "all", 40.0),
        ("aov", "month", "2026-12-01", "all", "all", 30.0),
        ("aov", "month", "2027-01-01", "all", "all", 50.0),
        ("orders", "quarter", "2026-10-01", "all", "all", 1.0),
        ("orders", "quarter", "2027-01-01", "all", "all", 1.0),
        ("arpu", "month", "2026-12-01", "all", "all", 15.0),
        # sessions of 10, 20, 30 and 8 minutes in week 53, two active users
        ("avg_session_minutes", "week", "2026-12-28", "all", "all", 17.0),
        ("minutes_per_active_user", "week", "2026-12-28", "all", "all", 34.0),
        ("sessions_per_active_user", "week", "2026-12-28", "all", "all", 2.0),
        ("signups", "week", "2026-12-28", "all", "all", 2.0),
        ("signups", "quarter", "2026-10-01", "all", "all", 3.0),
        # cohorts: neither week-53 signup came back the next day; user 1 did on day 7
        ("d1_retention", "week", "2026-12-28", "all", "all", 0.0),
        ("d7_retention", "week", "2026-12-28", "all", "all", 0.5),
        ("d30_retention", "week", "2026-12-28", "all", "all", None),  # no mature member yet: unknown, not 0%
        ("d30_retention", "month", "2026-11-01", "all", "all", 0.0),
        # visitor conversion (a conversion metric, 7-day window): visit 12's signup six days later is credited
        # to the visit's day; visit 13's, seven days later, is not: a visit day with visits and no credited
        # signup has a row and no value, as in MetricFlow (a ratio whose numerator has no row)
        ("visitor_conversion_rate", "day", "2026-12-22", "all", "all", 1.0),
        ("visitor_conversion_rate", "day", "2026-12-23", "all", "all", None),
        ("visitor_conversion_rate", "day", "2026-12-28", "all", "all", None),
        ("visitor_conversion_rate", "week", "2026-12-21", "all", "all", 0.5),
        ("visitor_conversion_rate", "week", "2026-12-21", "visit_channel", "email", 1.0),
        ("visitor_conversion_rate", "week", "2026-12-21", "visit_channel", "paid_search", None),
        ("visitor_conversion_rate", "month", "2026-12-01", "all", "all", 0.25),
        ("visitor_conversion_rate", "month", "2026-12-01", "landing_page", "/", 1 / 3),
        ("visitor_conversion_rate", "day", "2026-12-30", "all", "all", ABSENT),
        # churn: cancellations over the subscriptions paying at the start of the period. January and its
        # first day open with both (1 and 2, paying at the end of 12-31) and lose 1 on 01-01; web opens with 1
        # and loses it. Week 53 opens with 1 only (2 starts paying on its first day). December opens with 1
        # (the end of 11-30) and loses none.
        ("subscriber_churn_rate", "month", "2027-01-01", "all", "all", 0.5),
        ("subscriber_churn_rate", "day", "2027-01-01", "all", "all", 0.5),
        ("subscriber_churn_rate", "quarter", "2027-01-01", "all", "all", 0.5),
        ("subscriber_churn_rate", "month", "2027-01-01", "platform", "web", 1.0),
        ("subscriber_churn_rate", "week", "2026-12-28", "all", "all", 1.0),
        ("subscriber_churn_rate", "month", "2026-12-01", "all", "all", 0.0),
        # net revenue retention: January opens with 15.00 of MRR (10 + 5) and churns 10 on 01-01: (15 - 10) / 15;
        # December opens with 10 and has no expansion, contraction or churn (2's new MRR is not added)
        ("net_revenue_retention", "month", "2027-01-01", "all", "all", 1 / 3),
        ("net_revenue_retention", "month", "2027-01-01", "platform", "web", 0.0),
        ("net_revenue_retention", "month", "2026-12-01", "all", "all", 1.0),
        # quotas are quarterly: no daily or monthly attainment at all
        ("quota_attainment", "day", "2027-01-04", "all", "all", ABSENT),
        ("quota_attainment", "month", "2027-01-01", "all", "all", ABSENT),
    ],
)
def test_kpi_value(edges, metric, grain, period, dimension, segment, expected):
    row = kpi(edges, metric, grain, period, dimension, segment)
    if expected == ABSENT:
        assert row == ABSENT
    else:
        assert row != ABSENT, "row missing"
        assert row[0] == pytest.approx(expected, rel=1e-12) if expected is not None else row[0] is None


@pytest.mark.parametrize(
    ("metric", "grain", "period", "period_end", "is_complete"),
    [
        ("dau", "week", "2026-12-28", date(2027, 1, 3), True),  # ISO week 53 ends in the next year
        ("dau", "week", "2027-01-04", date(2027, 1, 10), False),  # not over at the as-of date
        ("dau", "quarter", "2026-10-01", date(2026, 12, 31), True),
        ("d1_retention", "week", "2026-12-28", date(2027, 1, 3), True),  # day 1 of every cohort observed
        ("d7_retention", "week", "2026-12-28", date(2027, 1, 3), False),  # 01-03 + 7 days is after 01-06
        ("d30_retention", "month", "2026-11-01", date(2026, 11, 30), True),
        # a visit on a week's Sunday may convert up to six days later (maturity_days: 6)
        ("visitor_conversion_rate", "week", "2026-12-21", date(2026, 12, 27), True),  # 12-27 + 6 = 01-02
        ("visitor_conversion_rate", "week", "2026-12-28", date(2027, 1, 3), False),  # 01-03 + 6 is after 01-06
    ],
)
def test_period_end_and_completeness(edges, metric, grain, period, period_end, is_complete):
    row = kpi(edges, metric, grain, period)
    assert row[3:] == (period_end, is_complete)


def test_ratio_rows_carry_numerator_and_denominator(edges):
    assert kpi(edges, "paying_user_share", "month", "2027-01-01", "platform", "web")[:3] == (None, 1.0, None)
    # the filled numerator is the row's numerator too, so the value re-aggregates from the parts
    assert kpi(edges, "paying_user_share", "month", "2026-12-01", "platform", "android")[:3] == (0.0, 0.0, 1.0)
    assert kpi(edges, "push_return_share", "day", "2026-12-28")[:3] == (None, 0.0, 0.0)
    # a conversion rate's parts: the credited signups and the visits
    assert kpi(edges, "visitor_conversion_rate", "week", "2026-12-21")[:3] == (0.5, 1.0, 2.0)
    assert kpi(edges, "visitor_conversion_rate", "week", "2026-12-28")[:3] == (None, None, 2.0)


def test_nothing_after_the_as_of_date(edges):
    assert query(edges, "select count(*) from kpis.kpi_values where period_start > date '2027-01-06'") == [(0,)]


def test_kpi_status_lists_every_kpi_even_without_data(edges):
    (kpis, statuses) = query(edges, "select count(*), count(distinct target_status) from kpis.kpi_status")[0]
    (defined,) = query(edges, "select count(*) from kpis.kpi_definitions")[0]
    assert kpis == defined and statuses >= 2
    assert query(edges, "select target_status from kpis.kpi_status where metric_name = 'api_p99_latency_ms'") == [
        ("no_data",)
    ]


def test_an_incremental_rerun_across_a_quarter_start_keeps_every_value(edges, tmp_path):
    """Re-run as of 01-06, which recomputes from 01-03: the ISO week from 12-28 began in the previous
    quarter and is recomputed whole. wau and mau recompute 01-03 to 01-06 from each user's last day
    before 01-03 and first day from it: user 1 (last 01-01, next 01-04) stays in both windows, user 2
    (last 12-30) leaves the 7-day window on 01-06, user 3 (last 11-01) is in neither."""
    path = tmp_path / "rerun.duckdb"
    shutil.copy(edges, path)
    result = dbt(["run", "--select", "kpis"], path, tmp_path, as_of="2027-01-06")
    assert result.returncode == 0, result.stdout[-4000:]
    run_sql = tmp_path / "target" / "run" / "scorecard" / "models" / "kpis" / "kpi_measures__user_days.sql"
    assert "cumulative__wau__spans" in run_sql.read_text()
    expected = {
        ("wau", "2027-01-03"): 2.0,
        ("wau", "2027-01-04"): 2.0,
        ("wau", "2027-01-05"): 2.0,
        ("wau", "2027-01-06"): 1.0,
        ("mau", "2027-01-03"): 2.0,
        ("mau", "2027-01-06"): 2.0,
    }
    for (metric, day), value in expected.items():
        assert kpi(path, metric, "day", day)[0] == value, (metric, day)
    assert kpi(path, "wau", "week", "2027-01-04")[0] == 1.0  # the week's last day so far, 01-06
    everything = "select * from kpis.kpi_values order by all"
    assert query(path, everything) == query(edges, everything)
