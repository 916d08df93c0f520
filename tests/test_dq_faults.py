"""Fault injection: starting from the built default sample, each fault in turn must fail exactly the checks
meant to catch it and change the data status of exactly the KPIs and key results downstream of it.

Each case runs the real `scorecard check` (dbt tests, dbt source freshness, GX suites, anomalies) and
`scorecard score` on its own copy of the warehouse, with its own copy of the project (so dbt's target/
stays out of the work tree). The expected KPIs are listed by hand from the models' SQL: which marts a
semantic model reads, and which sources feed those marts."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import NUMERATOR_ONLY_SEGMENT, SAMPLE_AS_OF, copy_project, inject, query, scorecard

pytestmark = pytest.mark.dbt

PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs")

# KPIs that read none of the app, shop, billing, support or marketing data: the CRM deals and quotas
# and the platform's API requests.
NOT_FROM_APP_DATA = {
    "api_error_rate",
    "api_p99_latency_ms",
    "days_sales_outstanding",
    "deals_won",
    "new_customer_revenue",
    "pipeline_value",
    "quota_attainment",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("dq_project") / "project", PROJECT_PARTS)


@pytest.fixture
def warehouse(default_sample, tmp_path: Path) -> Path:
    copy = tmp_path / "faulty.duckdb"
    shutil.copy(default_sample["path"], copy)
    return copy


def check_and_score(project: Path, warehouse: Path) -> dict:
    check = scorecard("--project-dir", str(project), "check", "--as-of", SAMPLE_AS_OF, warehouse=warehouse)
    assert "Traceback" not in check.stderr, check.stderr[-3000:]
    score = scorecard("--project-dir", str(project), "score", "--as-of", SAMPLE_AS_OF, warehouse=warehouse)
    assert score.returncode == 0, score.stderr[-3000:]
    results = query(
        warehouse, "select check_id, status, message from quality.dq_results where as_of = ?", [SAMPLE_AS_OF]
    )
    kpis = query(warehouse, "select metric_name, data_status, data_status_reason from kpis.kpi_status")
    key_results = query(
        warehouse,
        "select metric, key_result_id, data_status, data_status_reason, status, score, score_as_of "
        "from okrs.okr_checkins where as_of = ?",
        [SAMPLE_AS_OF],
    )
    return {
        "exit": check.returncode,
        "stdout": check.stdout,
        "not_passing": {check_id: status for check_id, status, _ in results if status not in {"pass", "skipped"}},
        "messages": {check_id: message for check_id, _, message in results},
        "kpis": {name: (status, reason) for name, status, reason in kpis},
        "key_results": {row[1]: row for row in key_results},
    }


def changed_kpis(outcome: dict) -> dict[str, str]:
    return {name: status for name, (status, _) in outcome["kpis"].items() if status != "ok"}


def assert_key_results_follow(outcome: dict, kpis: set[str], status: str) -> None:
    """Key results on the affected KPIs carry their status; every other one (milestones too) stays ok."""
    affected = {kr for kr, row in outcome["key_results"].items() if row[0] in kpis}
    for kr, row in outcome["key_results"].items():
        assert row[2] == (status if kr in affected else "ok"), (kr, row)


def test_the_unmodified_sample_passes_every_check(project, warehouse):
    outcome = check_and_score(project, warehouse)
    assert outcome["exit"] == 0, outcome["stdout"][-3000:]
    assert outcome["not_passing"] == {}
    assert changed_kpis(outcome) == {}
    assert len(outcome["kpis"]) == 48
    assert {row[2] for row in outcome["key_results"].values()} == {"ok"}
    kinds = {check_id.split(".")[0] for check_id in outcome["messages"]}
    assert {"freshness", "test", "unit_test", "gx", "anomaly"} <= kinds
    # the summary alone: dbt's line per test and source (about 800) goes to its log file, not the console
    assert outcome["stdout"].splitlines() == [
        f"{len(outcome['messages'])} checks: {len(outcome['messages'])} pass",
        "KPI data status: 48 ok",
    ]
    assert "PASS null_rate_fct_api_requests_latency_ms" in (project / "logs" / "dbt.log").read_text()


def test_a_source_not_loaded_for_three_days_is_stale(project, warehouse):
    # The loads of the last three days before the cutoff (the midnight after the as-of date) never came.
    inject(warehouse, "delete from raw.support_tickets where _loaded_at > timestamp '2026-11-13 00:00:00'")
    outcome = check_and_score(project, warehouse)
    assert outcome["exit"] == 1
    assert set(outcome["not_passing"]) == {"freshness.support.support_tickets", *gx_freshness("support_tickets")}
    assert "support.support_tickets" in outcome["messages"]["freshness.support.support_tickets"]
    # fct_support_tickets feeds the support KPIs; fct_user_cohorts counts day-1 support contacts, so the
    # cohort KPIs (activation, retention, time to first value) read the tickets too.
    expected = {
        "support_tickets",
        "first_response_time_hours",
        "day1_support_contact_rate",
        "activation_rate",
        "d1_retention",
        "d7_retention",
        "d30_retention",
        "time_to_first_value_minutes",
    }
    assert changed_kpis(outcome) == dict.fromkeys(expected, "stale")
    assert "support.support_tickets" in outcome["kpis"]["support_tickets"][1]
    assert_key_results_follow(outcome, expected, "stale")


def test_rechecking_an_earlier_date_ignores_the_loads_that_came_after_it(project, warehouse):
    # support tickets stopped loading on 2026-11-01 and caught up from 2026-11-13: checked again for 11-08,
    # the catch-up had not happened yet (dbt's freshness and GX read the newest load, "-168.0 h", and passed)
    inject(
        warehouse,
        "delete from raw.support_tickets where _loaded_at >= timestamp '2026-11-01 00:00:00' "
        "and _loaded_at < timestamp '2026-11-13 00:00:00'",
    )
    check = scorecard("--project-dir", str(project), "check", "--as-of", "2026-11-08", warehouse=warehouse)
    assert check.returncode == 1, check.stderr[-3000:]
    results = query(warehouse, "select check_id, status, message from quality.dq_results where as_of = '2026-11-08'")
    failing = {check_id for check_id, status, _ in results if status not in {"pass", "skipped", "warn"}}
    stale = {"freshness.support.support_tickets", *gx_freshness("support_tickets")}
    assert stale <= failing
    # the other sources, rep_quotas among them (re-synced whole every night: no older rows), stay fresh
    assert {c for c in failing if c.startswith("freshness.") or c.endswith("max_to_be_between._loaded_at")} == stale
    (message,) = [m for c, _, m in results if c == "freshness.support.support_tickets"]
    assert "last loaded 2026-10-3" in message and ", -" not in message, message  # no load from the future


def test_a_burst_of_nulls_fails_the_null_rate_checks(project, warehouse):
    inject(warehouse, "update marts.fct_api_requests set latency_ms = null where request_id % 20 = 0")
    outcome = check_and_score(project, warehouse)
    assert outcome["exit"] == 1
    failing = set(outcome["not_passing"])
    assert {check_id.split(".")[2] for check_id in failing if check_id.startswith("test.")} == {
        "null_rate_fct_api_requests_latency_ms__0_01"
    }
    assert {c for c in failing if not c.startswith("test.")} == gx_null_checks("fct_api_requests", "latency_ms")
    expected = {"api_p99_latency_ms", "api_error_rate"}
    assert changed_kpis(outcome) == dict.fromkeys(expected, "failed")
    assert "null_rate_fct_api_requests_latency_ms" in outcome["kpis"]["api_p99_latency_ms"][1]
    assert_key_results_follow(outcome, expected, "failed")


def test_duplicate_primary_keys_fail_the_uniqueness_check(project, warehouse):
    # A batch loaded twice. (The marts enforce their primary keys, so a build would stop at
    # fct_survey_responses and keep the old table; the check is what says the KPIs are not current.)
    # a week earlier the key results were scored (no check ran then: unknown is not a reason to hold)
    earlier = scorecard("--project-dir", str(project), "score", "--as-of", "2026-11-08", warehouse=warehouse)
    assert earlier.returncode == 0, earlier.stderr
    (week_before,) = query(
        warehouse, "select score from okrs.okr_checkins where key_result_id = 'csat-up' and as_of = '2026-11-08'"
    )
    inject(
        warehouse,
        "insert into raw.survey_responses select * from raw.survey_responses order by response_id limit 3",
    )
    outcome = check_and_score(project, warehouse)
    assert outcome["exit"] == 1
    failing = set(outcome["not_passing"])
    assert {c.split(".")[2] for c in failing if c.startswith("test.")} == {
        "unique_stg_support__survey_responses_response_id"
    }
    assert {c for c in failing if not c.startswith("test.")} == {
        "gx.raw.survey_responses.expect_column_values_to_be_unique.response_id"
    }
    expected = {"nps", "csat"}
    assert changed_kpis(outcome) == dict.fromkeys(expected, "failed")
    assert "response_id" in outcome["kpis"]["nps"][1]
    assert_key_results_follow(outcome, expected, "failed")
    # the held key result gets no fresh status and shows the score of the last good check-in, dated
    csat = outcome["key_results"]["csat-up"]
    assert csat[4] == "unverified"
    assert (csat[5], csat[6]) == (week_before[0], date(2026, 11, 8))


def test_a_missing_day_of_events_fails_the_volume_check(project, warehouse):
    inject(warehouse, "delete from raw.events where cast(occurred_at as date) = date '2026-11-12'")
    outcome = check_and_score(project, warehouse)
    assert outcome["exit"] == 1
    assert {c.split(".")[2] for c in outcome["not_passing"]} == {"source_recent_volume_app_events_occurred_at"}
    changed = changed_kpis(outcome)
    # every user-facing KPI reads dim_users, which the events feed (activation, first-value moments)
    assert set(changed) == set(outcome["kpis"]) - NOT_FROM_APP_DATA
    assert set(changed.values()) == {"failed"}
    assert_key_results_follow(outcome, set(changed), "failed")


def test_a_segment_only_in_the_numerator_fails_the_parity_check(project, warehouse):
    inject(warehouse, NUMERATOR_ONLY_SEGMENT)
    outcome = check_and_score(project, warehouse)
    assert outcome["exit"] == 1
    assert {c.split(".")[2] for c in outcome["not_passing"]} == {
        "assert_ratio_kpi_segments_in_numerator_and_denominator"
    }
    assert changed_kpis(outcome) == {"d1_retention": "failed"}
    assert "assert_ratio_kpi_segments_in_numerator_and_denominator" in outcome["kpis"]["d1_retention"][1]
    assert_key_results_follow(outcome, {"d1_retention"}, "failed")


def test_a_sudden_spike_in_one_kpi_is_flagged(project, warehouse):
    inject(
        warehouse,
        f"""
        update kpis.kpi_values set value = value * 5, numerator = numerator * 5
        where metric_name = '{SPIKED}' and dimension_name = 'all' and grain = 'week'
          and period_start = date '2026-11-09'
        """,
    )
    outcome = check_and_score(project, warehouse)
    assert outcome["exit"] == 0  # an anomaly warns: it may be real business, not broken data
    assert outcome["not_passing"] == {f"anomaly.{SPIKED}": "warn"}
    assert changed_kpis(outcome) == {SPIKED: "warn"}
    assert f"anomaly.{SPIKED}" in outcome["kpis"][SPIKED][1] or SPIKED in outcome["kpis"][SPIKED][1]
    assert_key_results_follow(outcome, {SPIKED}, "warn")


SPIKED = "sessions_per_active_user"


def gx_freshness(table: str) -> set[str]:
    return {f"gx.raw.{table}.expect_column_max_to_be_between._loaded_at"}


def gx_null_checks(table: str, column: str) -> set[str]:
    return {f"gx.marts.{table}.expect_column_values_to_not_be_null.{column}"}
