"""Marts built by a real `dbt build` from the hand-written raw fixture (tests/fixtures/raw_small.yml).

Every expected value below was worked out by hand from the fixture's comments and rows. The last test
checks a property of the default sample instead: the storage order of the large fact tables.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, dbt, load_raw_fixture, query

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    scratch = tmp_path_factory.mktemp("marts")
    path = scratch / "fixture.duckdb"
    spec = load_raw_fixture(path, FIXTURES / "raw_small.yml")
    # thresholds for real-world data (tag data_quality) do not fit a dozen hand-written rows
    result = dbt(
        ["build", "--select", "staging", "intermediate", "marts", "--exclude", "tag:data_quality"],
        path,
        scratch,
        as_of=spec["as_of"],
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return path


def one(warehouse: Path, sql: str, params: list | None = None):
    rows = query(warehouse, sql, params)
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    ("user_id", "expected"),
    [
        # (d1, d7, d30, activated, support contact on day 1, cohort age)
        (1, (True, True, None, True, False, 12)),  # day 30 is after the as-of date: immature
        (2, (False, None, None, None, True, 1)),  # day 1 observed, day 7 not yet
        (3, (None, None, None, None, None, 0)),  # signed up on the as-of date, no sessions
        (4, (True, True, True, True, False, 70)),  # the day-7 session arrived three days late
    ],
)
def test_cohort_flags_are_null_until_mature(warehouse, user_id, expected):
    row = one(
        warehouse,
        """
        select is_retained_d1, is_retained_d7, is_retained_d30, is_activated,
               has_support_contact_day1, cohort_age_days
        from marts.fct_user_cohorts where user_id = ?
        """,
        [user_id],
    )
    assert row == expected


def test_user_without_sessions_is_a_user_but_never_active(warehouse):
    assert one(warehouse, "select count(*) from marts.dim_users where user_id = 3") == (1,)
    assert one(warehouse, "select country from marts.dim_users where user_id = 3") == ("unknown",)
    assert one(warehouse, "select count(*) from marts.fct_user_days where user_id = 3") == (0,)
    assert one(warehouse, "select count(*) from marts.fct_user_weeks where user_id = 3") == (0,)


def test_minutes_to_first_value(warehouse):
    rows = query(warehouse, "select user_id, minutes_to_first_value from marts.dim_users order by user_id")
    # user 1: 09:00:00 -> 09:04:30; user 4: 2025-11-01 10:00 -> 2025-11-02 18:05 (32 h 5 min)
    assert rows == [(1, 4.5), (2, None), (3, None), (4, 1925.0)]


def test_iso_weeks_start_on_monday_across_the_year_boundary(warehouse):
    rows = query(
        warehouse,
        """
        select week_start, week_end, active_days, sessions, session_minutes, is_power_user, has_used_smart_lists
        from marts.fct_user_weeks where user_id = 1 order by week_start
        """,
    )
    assert rows == [
        # Mon 2025-12-29 .. Sun 2026-01-04 is ISO week 2026-W01: sessions 1, 2, 3 and the Sunday 23:30 one
        (date(2025, 12, 29), date(2026, 1, 4), 3, 4, 10.0 + 6.0 + 30.0 + 20.0, True, True),
        # the Monday 00:10 session opens the next week; it never ended, so it has no minutes
        (date(2026, 1, 5), date(2026, 1, 11), 1, 1, 0.0, False, False),
    ]


def test_user_days_count_sessions_and_push_opens(warehouse):
    rows = query(
        warehouse,
        """
        select activity_date, sessions, session_minutes, push_sessions, is_signup_day
        from marts.fct_user_days where user_id = 1 order by activity_date
        """,
    )
    assert rows == [
        (date(2025, 12, 29), 1, 10.0, 0, True),
        (date(2025, 12, 30), 2, 36.0, 1, False),
        (date(2026, 1, 4), 1, 20.0, 0, False),
        (date(2026, 1, 5), 1, 0.0, 1, False),
    ]


def test_late_row_counts_on_the_day_it_happened(warehouse):
    assert one(warehouse, "select activity_date from marts.fct_user_days where user_id = 4 and push_sessions = 1") == (
        date(2025, 11, 8),
    )


def test_order_cancelled_after_delivery_is_no_purchase(warehouse):
    rows = query(
        warehouse,
        """
        select order_id, is_cancelled, revenue_amount, purchase_number, is_first_purchase,
               is_repurchased_within_90d, round(delivery_days, 4)
        from marts.fct_orders order by order_id
        """,
    )
    assert rows == [
        # next purchase (order 3, 43 days later; order 2 was cancelled) is within 90 days
        (1, False, Decimal("40.00"), 1, True, True, 2.0),
        # delivered after 1.5 days, then cancelled and refunded: no revenue, no place in the sequence
        (2, True, Decimal("0.00"), None, False, None, 1.5),
        # 90 days after 2025-12-15 is after the as-of date, and no later purchase: not yet known
        (3, False, Decimal("20.00"), 2, False, None, round(36 / 24, 4)),
        # shipped but not delivered yet
        (4, False, Decimal("31.99"), 1, True, None, None),
    ]
    assert one(warehouse, "select second_purchase_at from marts.dim_users where user_id = 4")[0].isoformat() == (
        "2025-12-15T08:00:00"
    )


def test_subscription_cancelled_and_restarted(warehouse):
    rows = query(
        warehouse,
        """
        select subscription_id, is_restart, is_trial_converted, start_date, cancel_date
        from marts.fct_subscriptions order by subscription_id
        """,
    )
    assert rows == [
        (1, False, True, date(2025, 11, 15), date(2025, 12, 1)),
        (2, True, None, date(2025, 12, 20), None),
        # the trial ends after the as-of date: conversion not yet known
        (3, False, None, None, None),
    ]


@pytest.mark.parametrize(
    ("day", "expected_mrr"),
    [
        (date(2025, 11, 14), None),  # still in trial
        (date(2025, 11, 15), Decimal("4.99")),
        (date(2025, 11, 30), Decimal("4.99")),
        (date(2025, 12, 1), None),  # cancelled that morning: not active at the end of the day
        (date(2025, 12, 19), None),
        (date(2025, 12, 20), Decimal("9.99")),  # restarted on plus
        (date(2026, 1, 4), Decimal("9.99")),
        (date(2026, 1, 5), Decimal("14.99")),  # upgraded to family
        (date(2026, 1, 10), Decimal("14.99")),
        (date(2026, 1, 11), None),  # after the as-of date
    ],
)
def test_mrr_by_day_follows_cancellations_restarts_and_plan_changes(warehouse, day, expected_mrr):
    (mrr,) = one(warehouse, "select sum(mrr_amount) from marts.fct_subscription_days where date_day = ?", [day])
    assert mrr == expected_mrr


def test_subscription_days_count(warehouse):
    # 16 days on basic (Nov 15-30), 16 on plus (Dec 20 - Jan 4), 6 on family (Jan 5-10)
    rows = query(warehouse, "select plan, count(*) from marts.fct_subscription_days group by plan order by plan")
    assert rows == [("basic", 16), ("family", 6), ("plus", 16)]


def test_landing_visits_and_carts(warehouse):
    assert query(
        warehouse, "select visit_id, is_converted, converted_user_id from marts.fct_landing_visits order by 1"
    ) == [
        (1, True, 1),
        (2, False, None),
    ]
    assert query(warehouse, "select cart_id, is_checked_out from marts.fct_carts order by 1") == [
        (1, True),
        (2, False),
        (3, True),
        (4, True),
        (5, True),
    ]


def test_support_and_surveys(warehouse):
    assert query(
        warehouse, "select ticket_id, is_answered, hours_to_first_response from marts.fct_support_tickets order by 1"
    ) == [(1, True, 1.5), (2, False, None)]
    assert query(
        warehouse, "select response_id, is_promoter, is_detractor from marts.fct_survey_responses order by 1"
    ) == [(1, True, False), (2, False, True)]


def test_deals_first_win_is_new_customer_revenue(warehouse):
    assert query(warehouse, "select deal_id, is_won, is_new_customer from marts.fct_deals order by 1") == [
        (1, True, True),
        (2, True, False),  # an expansion at the same account
        (3, False, False),
    ]
    assert query(warehouse, "select quarter_start, quarter_end from marts.fct_rep_quotas order by 1") == [
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
    ]


def test_api_requests_flag_server_errors(warehouse):
    assert query(warehouse, "select request_id, is_server_error from marts.fct_api_requests order by 1") == [
        (1, False),
        (2, True),
    ]


def test_null_rate_check_fails_above_its_threshold(warehouse, tmp_path):
    # session 5 never ended: 1 of 12 sessions has no duration, 8.3% against a 1% threshold
    result = dbt(["test", "--select", "fct_sessions,test_name:null_rate"], warehouse, tmp_path, as_of="2026-01-10")
    assert result.returncode == 1
    assert "null_rate_fct_sessions_duration_minutes" in result.stdout and "Got 1 result" in result.stdout


@pytest.mark.parametrize(
    ("table", "column"),
    [("fct_sessions", "session_date"), ("fct_user_days", "activity_date"), ("fct_api_requests", "request_date")],
)
def test_large_facts_are_stored_in_date_order(default_sample, table, column):
    """Each row group starts on or after the day the one before it ends, so a filter on recent dates skips
    the older row groups by their min/max statistics (an incremental KPI run reads a few days)."""
    groups = query(
        default_sample["path"],
        f"""
        select row_group_id, min(stats.min::date), max(stats.max::date)
        from pragma_storage_info('marts.{table}')
        where column_name = '{column}' and segment_type = 'DATE'
        group by row_group_id
        order by row_group_id
        """,
    )
    assert len(groups) >= 3
    for (_, _, previous_last), (group, first, _) in itertools.pairwise(groups):
        assert first >= previous_last, (table, group)
