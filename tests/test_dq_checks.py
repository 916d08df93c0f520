"""The dbt-native data-quality checks catch the faults they exist for, on a copy of the built sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import NUMERATOR_ONLY_SEGMENT, SAMPLE_AS_OF, dbt, inject

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
