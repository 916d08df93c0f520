"""The sample-data generator: deterministic, realistic in shape, and honest about what has not arrived yet."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from scorecard.errors import InvalidInput
from scorecard.sample import ONBOARDING_CHANGE_ON, PUSH_CAMPAIGN_ON, RAW_TABLES, SampleSpec, generate
from tests.conftest import query

SMALL = {"users": 3000, "as_of": date(2026, 11, 15)}


def checksums(warehouse: Path) -> dict[str, tuple]:
    """Order-independent fingerprint of every raw table: row count and the sum of each row's hash."""
    return {
        table: query(warehouse, f"select count(*), sum(hash(t::varchar)) from raw.{table} as t")[0]
        for table in RAW_TABLES
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    generate(path, SampleSpec(**SMALL))
    return path


def test_same_seed_gives_identical_tables(sample, tmp_path):
    again = tmp_path / "again.duckdb"
    generate(again, SampleSpec(**SMALL))
    first, second = checksums(sample), checksums(again)
    assert all(count > 0 for count, _ in first.values()), first
    assert first == second


def test_other_seed_gives_other_tables(sample, tmp_path):
    other = tmp_path / "other.duckdb"
    generate(other, SampleSpec(seed=7, **SMALL))
    assert checksums(other)["events"] != checksums(sample)["events"]


def test_regenerating_replaces_rather_than_appends(tmp_path):
    path = tmp_path / "twice.duckdb"
    spec = SampleSpec(users=300, as_of=date(2025, 3, 1))
    generate(path, spec)
    before = checksums(path)
    generate(path, spec)
    assert checksums(path) == before


def test_every_raw_table_has_a_loaded_at_no_later_than_the_cutoff(sample):
    cutoff = datetime(2026, 11, 16)
    for table in RAW_TABLES:
        (latest,) = query(sample, f"select max(_loaded_at) from raw.{table}")[0]
        assert latest is not None and latest <= cutoff, table
    # nothing that happened after the as-of date has been loaded
    assert query(sample, "select max(started_at) from raw.sessions")[0][0] < cutoff


def test_some_rows_arrive_days_late(sample):
    (late_share,) = query(
        sample,
        "select avg(case when _loaded_at > ended_at + interval 1 day then 1 else 0 end) from raw.sessions",
    )[0]
    assert 0.005 < late_share < 0.03


def test_nulls_are_rare_but_present(sample):
    (null_country, null_ended) = query(
        sample,
        """
        select
            (select avg(case when country is null then 1.0 else 0 end) from raw.users),
            (select avg(case when ended_at is null then 1.0 else 0 end) from raw.sessions)
        """,
    )[0]
    assert 0 < null_country < 0.02
    assert 0 < null_ended < 0.01


def test_weekly_seasonality_and_growth(sample):
    (weekday_dau, weekend_dau) = query(
        sample,
        """
        with daily as (
            select cast(started_at as date) as day, count(distinct user_id) as dau
            from raw.sessions where started_at >= date '2026-06-01' and started_at < date '2026-09-28'
            group by 1
        )
        select avg(dau) filter (where isodow(day) <= 5), avg(dau) filter (where isodow(day) >= 6) from daily
        """,
    )[0]
    assert weekend_dau < 0.95 * weekday_dau
    (early, late) = query(
        sample,
        """
        select count(*) filter (where signed_up_at < date '2025-04-01'),
               count(*) filter (where signed_up_at >= date '2026-07-01' and signed_up_at < date '2026-10-01')
        from raw.users
        """,
    )[0]
    assert late > 1.5 * early


def test_onboarding_change_lifts_day1_retention(sample):
    rows = query(
        sample,
        """
        with users as (select user_id, cast(signed_up_at as date) as signup_date from raw.users),
        returned as (
            select distinct s.user_id from raw.sessions as s
            inner join users as u on s.user_id = u.user_id and cast(s.started_at as date) = u.signup_date + 1
        )
        select u.signup_date >= ? as is_after, avg(case when r.user_id is null then 0 else 1 end)
        from users as u left join returned as r on u.user_id = r.user_id
        where u.signup_date >= date '2026-06-01' and u.signup_date < date '2026-11-14'
        group by 1 order by 1
        """,
        [ONBOARDING_CHANGE_ON],
    )
    (_, before), (_, after) = rows
    assert after > before + 0.08


def test_push_campaign_raises_push_share(sample):
    (before, after) = query(
        sample,
        """
        select avg(case when opened_from_push then 1.0 else 0 end) filter (where started_at < ?),
               avg(case when opened_from_push then 1.0 else 0 end) filter (where started_at >= ?)
        from raw.sessions where started_at >= date '2026-08-01'
        """,
        [PUSH_CAMPAIGN_ON, PUSH_CAMPAIGN_ON],
    )[0]
    assert before < 0.30 < after


def test_as_of_before_history_start_is_refused():
    with pytest.raises(InvalidInput, match="before the history start"):
        SampleSpec(as_of=date(2024, 12, 31))
