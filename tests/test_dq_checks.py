"""The dbt-native data-quality checks catch the faults they exist for, on a copy of the built sample."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from scorecard.sample import SampleSpec, generate
from tests.conftest import NUMERATOR_ONLY_SEGMENT, SAMPLE_AS_OF, copy_project, dbt, inject, query, scorecard

pytestmark = pytest.mark.dbt


@pytest.fixture
def sample_copy(built_sample, tmp_path: Path) -> Path:
    copy = tmp_path / "faulty.duckdb"
    shutil.copy(built_sample["path"], copy)
    return copy


def run_check(path: Path, scratch: Path, selector: str):
    return dbt(["test", "--select", selector], path, scratch, as_of=SAMPLE_AS_OF)


def test_checks_pass_on_the_sample(sample_copy, tmp_path):
    result = run_check(sample_copy, tmp_path, "tag:data_quality")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "PASS=" in result.stdout and "WARN=0" in result.stdout


def test_a_missing_day_of_sessions_fails_the_volume_check(sample_copy, tmp_path):
    inject(sample_copy, f"delete from marts.fct_sessions where session_date = date '{SAMPLE_AS_OF}' - 3")
    result = run_check(sample_copy, tmp_path, "fct_sessions,test_name:recent_volume")
    assert result.returncode == 1
    assert "recent_volume_fct_sessions_started_at" in result.stdout and "Got 1 result" in result.stdout


def _sessions_per_day(path: Path, usual: int, short_day_rows: int) -> None:
    """Keep `usual` sessions on each of the 35 days before the as-of date (the sample has hundreds),
    and `short_day_rows` on the third day before it, so the volume check's baseline average is exactly
    `usual`."""
    inject(
        path,
        f"""
        delete from marts.fct_sessions
        where started_at >= date '{SAMPLE_AS_OF}' - 35 and started_at < date '{SAMPLE_AS_OF}'
          and session_id not in (
            select session_id from (
              select session_id, cast(started_at as date) as day,
                row_number() over (partition by cast(started_at as date) order by session_id) as n
              from marts.fct_sessions
            )
            where n <= case when day = date '{SAMPLE_AS_OF}' - 3 then {short_day_rows} else {usual} end
          )
        """,
    )


def test_a_quiet_day_of_a_low_volume_source_passes_the_volume_check(sample_copy, tmp_path):
    # 4 sessions a day, then a day of 1: under half the average, but a Poisson count of mean 4 (sd 2)
    # has such days by chance every few weeks; a ratio alone would fail the build for them
    _sessions_per_day(sample_copy, usual=4, short_day_rows=1)
    result = run_check(sample_copy, tmp_path, "fct_sessions,test_name:recent_volume")
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"PASS recent_volume_fct_sessions_started_at\b", result.stdout), result.stdout[-3000:]


def test_a_short_day_of_a_moderate_source_still_fails_the_volume_check(sample_copy, tmp_path):
    # 25 sessions a day, then a day of 9: under half (12.5) and more than 3 sd (15) below 25 (10)
    _sessions_per_day(sample_copy, usual=25, short_day_rows=9)
    result = run_check(sample_copy, tmp_path, "fct_sessions,test_name:recent_volume")
    assert result.returncode == 1
    assert "recent_volume_fct_sessions_started_at" in result.stdout and "Got 1 result" in result.stdout


def test_a_burst_of_nulls_fails_the_null_rate_check(sample_copy, tmp_path):
    inject(
        sample_copy,
        "update marts.fct_api_requests set latency_ms = null where request_id % 20 = 0",
    )
    result = run_check(sample_copy, tmp_path, "fct_api_requests,test_name:null_rate")
    assert result.returncode == 1 and "null_rate_fct_api_requests_latency_ms" in result.stdout


def test_segments_that_do_not_add_up_fail_the_parity_check(sample_copy, tmp_path):
    inject(
        sample_copy,
        """
        update kpis.kpi_values set value = value + 1
        where metric_name = 'signups' and grain = 'week' and dimension_name = 'platform'
          and dimension_value = 'ios' and period_start = date '2026-11-02'
        """,
    )
    result = run_check(sample_copy, tmp_path, "assert_additive_kpi_segments_sum_to_total")
    assert result.returncode == 1 and "Got 1 result" in result.stdout


def test_a_segment_only_in_the_numerator_fails_the_ratio_parity_check(sample_copy, tmp_path):
    inject(sample_copy, NUMERATOR_ONLY_SEGMENT)
    result = run_check(sample_copy, tmp_path, "assert_ratio_kpi_segments_in_numerator_and_denominator")
    assert result.returncode == 1 and "Got 1 result" in result.stdout


def test_kpi_tables_dbt_skipped_say_which_failure_stopped_them(sample_copy, tmp_path):
    # a day of events missing failed a volume test; dbt build skipped kpi_values, and a KPI on CRM data
    # read only "kpis.kpi_values.period_start: newest value is ..., 48.0 h before", pointing at late data
    project = copy_project(
        tmp_path / "project", ("dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs")
    )
    generate(sample_copy, SampleSpec(users=3000, as_of=date(2026, 11, 16)))  # the next day's data lands
    inject(sample_copy, "delete from raw.events where cast(occurred_at as date) = date '2026-11-13'")
    run = scorecard(
        "--project-dir", str(project), "run", "--no-sample", "--as-of", "2026-11-16", warehouse=sample_copy, cwd=project
    )
    assert run.returncode == 1, run.stderr[-3000:]
    cause = "dbt skipped kpi_values after source_recent_volume_app_events_occurred_at failed upstream"
    [(message,)] = query(
        sample_copy,
        "select message from quality.dq_results where as_of = '2026-11-16' "
        "and check_id = 'gx.kpis.kpi_values.expect_column_max_to_be_between.period_start'",
    )
    assert message.startswith("kpis.kpi_values.period_start: newest value is 2026-11-15 00:00") and message.endswith(
        "; " + cause
    ), message
    [(status, reason)] = query(
        sample_copy,
        "select data_status, data_status_reason from quality.dq_kpi_status "
        "where as_of = '2026-11-16' and metric_name = 'deals_won'",
    )
    assert status == "stale" and cause in reason, reason
