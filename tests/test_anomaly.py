"""KPI anomaly detection: hand-computable series through the pure judge, a small hand-built warehouse through
detect_anomalies, and a 5x fault injected into the built sample."""

from __future__ import annotations

import math
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml
from pydantic import ValidationError

from scorecard.errors import InvalidInput
from scorecard.periods import latest_complete_period
from scorecard.quality.anomaly import (
    AnomalySettings,
    detect_anomalies,
    judge_series,
    to_check_result,
)
from tests.conftest import SAMPLE_AS_OF

DEFAULTS = AnomalySettings()
MAD_TO_SIGMA = 1.4826  # scipy's median_abs_deviation(scale="normal")
# The small-sample factor is Student t's quantile at the tail of a z of 3, over 3:
# scipy.stats.t.isf(scipy.stats.norm.sf(3), dof) / 3 for the dof (prediction errors less one) of each series.
FACTOR_22_DOF = 1.12652
FACTOR_62_DOF = 1.04186


def weekly(values: list[float], first: date = date(2026, 5, 4)) -> list[tuple[date, float]]:
    """Consecutive ISO weeks starting on the Monday ``first``; the last one is the judged period."""
    return [(first + timedelta(weeks=i), float(v)) for i, v in enumerate(values)]


def noisy_weekly(latest: float) -> list[tuple[date, float]]:
    """26 training weeks at 100 + [-4, 0, 4][i % 3], then ``latest``."""
    return weekly([100 + [-4, 0, 4][i % 3] for i in range(26)] + [latest])


def test_weekly_cycle_of_a_daily_kpi_raises_no_alarm():
    # Weekdays at 100, Saturdays and Sundays at 60, every day shifted by [-2, 0, 2][week % 3]. The judged day,
    # 2026-04-05, is a Sunday of a week with noise -2: 58, right after a Friday of 98 and a Saturday of 58.
    start = date(2026, 1, 5)  # a Monday
    series = [(start + timedelta(d), float((60 if d % 7 >= 5 else 100) + [-2, 0, 2][(d // 7) % 3])) for d in range(91)]
    judgement = judge_series(series, "day", DEFAULTS)
    # By hand: the same weekday of the last three weeks has noise -2, 0, 2, so its median is 60 + 0. Predicting
    # each of the 63 training days the same way misses by exactly its week's noise: 21 or 22 days each at
    # -2, 0 and 2, so the median error is 0 and the median absolute error 2 (spread 2 * 1.4826).
    assert judgement.expected == pytest.approx(60.0)
    assert judgement.errors == 63
    assert judgement.z == pytest.approx(-2 / (2 * MAD_TO_SIGMA) / FACTOR_62_DOF, rel=1e-4)
    assert judgement.outcome == "normal"


def test_weekday_at_the_weekend_level_is_flagged_only_with_weekly_seasonality():
    start = date(2026, 1, 5)
    series = [(start + timedelta(d), float((60 if d % 7 >= 5 else 100) + [-2, 0, 2][(d // 7) % 3])) for d in range(84)]
    series.append((start + timedelta(84), 60.0))  # Monday 2026-03-30 at the weekend level
    seasonal = judge_series(series, "day", DEFAULTS)
    # By hand: the last three Mondays were 98, 100, 102, so 100 is expected; 40 below with a spread of 2.9652.
    assert seasonal.expected == pytest.approx(100.0)
    assert seasonal.z == pytest.approx(-40 / (2 * MAD_TO_SIGMA) / FACTOR_62_DOF, rel=1e-4)
    assert seasonal.outcome == "anomaly"
    # Without the weekday split, Friday, Saturday and Sunday predict Monday, and the weekly swing of 40 is
    # just what the errors always look like.
    assert judge_series(series, "day", AnomalySettings(weekly_seasonality=False)).outcome == "normal"


def test_five_fold_spike_is_flagged():
    judgement = judge_series(noisy_weekly(500), "week", DEFAULTS, metric="support_tickets")
    # By hand: the last three training weeks are 104, 96, 100, median 100. Any three consecutive weeks have
    # noise -4, 0, 4, so each of the 23 training predictions misses by its week's noise: 8 at -4, 8 at 0 and
    # 7 at 4; median error 0, median absolute error 4, spread 4 * 1.4826 = 5.93.
    assert judgement.expected == pytest.approx(100.0)
    assert judgement.z == pytest.approx(400 / (4 * MAD_TO_SIGMA) / FACTOR_22_DOF, rel=1e-4)
    assert judgement.outcome == "anomaly"
    result = to_check_result("support_tickets", "week", judgement, DEFAULTS.rule_for("week", "support_tickets"))
    assert (result.check_id, result.kind, result.target, result.status) == (
        "anomaly.support_tickets",
        "anomaly",
        "metric.scorecard.support_tickets",
        "warn",
    )
    assert result.metrics == ("support_tickets",)
    assert result.threshold == 3
    assert result.message == "support_tickets week of 2026-11-02: 500 vs expected 100 (robust z 59.9 > 3)"


def test_slow_trend_is_expected_not_flagged():
    # 100, 102, 104, ... for 26 weeks, then 152, still on the line.
    judgement = judge_series(weekly([100 + 2 * i for i in range(27)]), "week", DEFAULTS)
    # By hand: the median of the last three training weeks (146, 148, 150) is 148, two weeks behind; every
    # training week was likewise 4 above the median of its three predecessors, so 148 + 4 = 152 is expected.
    # (The median of the whole window, 125, would be 18% off.)
    assert judgement.expected == pytest.approx(152.0)
    assert judgement.z == 0
    assert judgement.outcome == "normal"


def test_constant_history_flags_only_a_large_relative_change():
    # 26 weeks at exactly 100: MAD and mean absolute deviation are both 0, so any change is infinitely unusual
    # and the minimum relative change (10%) alone decides.
    flat = [100.0] * 26
    assert judge_series(weekly([*flat, 100]), "week", DEFAULTS).z == 0
    small = judge_series(weekly([*flat, 105]), "week", DEFAULTS)
    assert (small.z, small.outcome) == (math.inf, "normal")
    large = judge_series(weekly([*flat, 150]), "week", DEFAULTS)
    assert (large.z, large.outcome) == (math.inf, "anomaly")
    rule = DEFAULTS.rule_for("week")
    assert "robust z +inf, but only 5% off, under the 10% minimum change" in (
        to_check_result("kpi", "week", small, rule).message
    )


def test_zero_mad_falls_back_to_the_mean_absolute_deviation():
    # 10 every week but 13 in weeks 5 and 15, then 13 again.
    values = [13 if i in (5, 15) else 10 for i in range(26)] + [13]
    judgement = judge_series(weekly(values), "week", DEFAULTS)
    # By hand: a median of three ignores a single 13, so of the 23 training predictions two miss by 3 and the
    # rest by 0. MAD = 0; the mean absolute deviation 6/23 times sqrt(pi/2) gives a spread of 0.32696.
    assert judgement.expected == pytest.approx(10.0)
    assert judgement.z == pytest.approx(3 / (math.sqrt(math.pi / 2) * 6 / 23) / FACTOR_22_DOF, rel=1e-4)
    assert judgement.outcome == "anomaly"


def test_too_little_history_is_skipped_not_passed():
    judgement = judge_series(weekly([100, 101, 99, 100, 102, 500]), "week", DEFAULTS)
    assert (judgement.outcome, judgement.history, judgement.needed) == ("insufficient_history", 5, 8)
    result = to_check_result("orders", "week", judgement, DEFAULTS.rule_for("week"))
    assert result.status == "skipped"
    assert result.observed_value is None
    assert result.message == "insufficient history: 5 of 8 weeks before orders week of 2026-06-08"
    # Missing values do not count as history: 27 days with one of them null leave 26 of the 28 needed.
    days = [(date(2026, 3, 1) + timedelta(d), None if d == 3 else 50.0) for d in range(28)]
    days_judged = judge_series(days, "day", DEFAULTS)
    assert (days_judged.outcome, days_judged.history, days_judged.needed) == ("insufficient_history", 26, 28)


def test_missing_latest_value_is_skipped():
    series = [*noisy_weekly(0)[:-1], (date(2026, 11, 2), None)]
    judgement = judge_series(series, "week", DEFAULTS)
    assert judgement.outcome == "no_value"
    result = to_check_result("aov", "week", judgement, DEFAULTS.rule_for("week"))
    assert result.status == "skipped"
    assert result.message == "aov week of 2026-11-02: no value in the latest complete week, nothing to judge"


def test_per_metric_overrides_apply_to_that_metric_only():
    settings = AnomalySettings.model_validate(
        {
            "metrics": {
                "support_tickets": {"z_threshold": 100},
                "orders": {"severity": "fail"},
                "aov": {"enabled": False},
                "signups": {"min_history": 30, "training_window": 52},
            }
        }
    )
    spike = noisy_weekly(500)  # robust z 59.9, as computed above
    assert judge_series(spike, "week", settings, metric="support_tickets").outcome == "normal"
    assert judge_series(spike, "week", settings, metric="wau").outcome == "anomaly"
    orders = judge_series(spike, "week", settings, metric="orders")
    assert to_check_result("orders", "week", orders, settings.rule_for("week", "orders")).status == "fail"
    assert judge_series(spike, "week", settings, metric="aov").outcome == "disabled"
    signups = judge_series(spike, "week", settings, metric="signups")
    assert (signups.outcome, signups.history, signups.needed) == ("insufficient_history", 26, 30)


def test_settings_reject_unknown_keys_and_windows_that_cannot_judge():
    for bad in (
        {"z_treshold": 3},
        {"training_window": {"hour": 24}},
        {"metrics": {"dau": {"zscore": 4}}},
        {"severity": "error"},
        {"z_threshold": 0},
        {"min_history": {"week": 30}},  # longer than the 26-week window
        {"min_history": {"week": 4}},  # 3 recent weeks and 3 errors need 6
    ):
        with pytest.raises(ValidationError):
            AnomalySettings.model_validate(bad)
    too_short = AnomalySettings.model_validate({"metrics": {"dau": {"min_history": 10}}})
    with pytest.raises(InvalidInput, match=r"metrics\.dau \(day cadence\): min_history 10 is too short"):
        too_short.rule_for("day", "dau")


def test_settings_read_as_plain_yaml():
    text = """
z_threshold: 3.5
severity: fail
min_relative_change: 0.2
training_window: {day: 56}
min_history: {quarter: 5}
metrics:
  revenue_growth_rate: {enabled: false}
"""
    settings = AnomalySettings.model_validate(yaml.safe_load(text))
    assert settings.training_window.day == 56
    assert settings.training_window.week == 26  # the grains left out keep their defaults
    assert settings.rule_for("quarter").min_history == 5
    assert settings.rule_for("month", "revenue_growth_rate").enabled is False


@pytest.mark.parametrize(
    ("grain", "maturity_days", "expected"),
    [
        ("day", 0, date(2026, 11, 15)),
        ("week", 0, date(2026, 11, 9)),  # 2026-11-15 is a Sunday: its week is complete
        ("week", 1, date(2026, 11, 2)),
        ("month", 0, date(2026, 10, 1)),
        ("month", 90, date(2026, 7, 1)),
        ("quarter", 0, date(2026, 7, 1)),
    ],
)
def test_latest_complete_period(grain, maturity_days, expected):
    assert latest_complete_period(date(2026, 11, 15), grain, maturity_days) == expected


@pytest.mark.parametrize(
    ("as_of", "grain", "expected"),
    [
        # October 2026 holds the weeks starting in it, the last one 10-26 to 11-01 (a Sunday)
        (date(2026, 10, 31), "month", date(2026, 9, 1)),
        (date(2026, 11, 1), "month", date(2026, 10, 1)),
        # Q3 holds the week of 9-28 to 10-04
        (date(2026, 10, 3), "quarter", date(2026, 4, 1)),
        (date(2026, 10, 4), "quarter", date(2026, 7, 1)),
        # November 2026 ends on a Monday: its week runs to 12-06
        (date(2026, 12, 5), "month", date(2026, 10, 1)),
        (date(2026, 12, 6), "month", date(2026, 11, 1)),
        # May 2026 ends on a Sunday, with its last week
        (date(2026, 5, 31), "month", date(2026, 5, 1)),
        (date(2026, 10, 31), "week", date(2026, 10, 19)),
    ],
)
def test_latest_complete_period_of_a_kpi_measured_by_iso_week(as_of, grain, expected):
    assert latest_complete_period(as_of, grain, 0, finest_grain="week") == expected


def small_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """kpis.kpi_definitions and kpis.kpi_values with only the columns the detector reads."""
    con = duckdb.connect(str(path))
    con.execute("create schema kpis")
    con.execute(
        "create table kpis.kpi_definitions (metric_name varchar, cadence varchar, maturity_days integer,"
        " finest_grain varchar)"
    )
    con.execute(
        "create table kpis.kpi_values (metric_name varchar, grain varchar, period_start date, period_end date,"
        " dimension_name varchar, dimension_value varchar, value double, is_complete boolean)"
    )
    con.executemany(
        "insert into kpis.kpi_definitions values (?, ?, ?, 'day')",
        [("tickets", "week", None), ("silent", "week", None), ("cohort", "week", 1)],
    )
    rows = []
    for start, value in noisy_weekly(500):
        end = start + timedelta(days=6)
        rows.append(("tickets", "week", start, end, "all", None, value, True))
        # a segment and another grain that must not be read
        rows.append(("tickets", "week", start, end, "platform", "ios", value * 100, True))
        rows.append(("tickets", "day", start, start, "all", None, 0.0, True))
        rows.append(("cohort", "week", start, end, "all", None, 10.0, True))
    # 2026-11-02 is the latest complete week for "tickets"; with one day to mature, "cohort" is judged a week
    # earlier, so its value for 2026-11-02 (which would spike) is not read.
    rows[-1] = ("cohort", "week", date(2026, 11, 2), date(2026, 11, 8), "all", None, 1000.0, True)
    con.executemany("insert into kpis.kpi_values values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return con


def test_detect_anomalies_reads_the_total_series_at_each_kpis_cadence(tmp_path):
    con = small_warehouse(tmp_path / "small.duckdb")
    try:
        results = {r.check_id: r for r in detect_anomalies(con, date(2026, 11, 8), DEFAULTS)}
        # An earlier as-of judges only what was complete then: the week of 2026-10-26, which is normal.
        earlier = {r.check_id: r for r in detect_anomalies(con, date(2026, 11, 7), DEFAULTS)}
    finally:
        con.close()
    assert set(results) == {"anomaly.tickets", "anomaly.silent", "anomaly.cohort"}
    assert results["anomaly.tickets"].status == "warn"
    assert results["anomaly.tickets"].observed_value == pytest.approx(59.87, abs=0.01)  # as in the spike test
    assert results["anomaly.silent"].status == "skipped"
    assert "no value in the latest complete week" in results["anomaly.silent"].message
    assert results["anomaly.cohort"].status == "pass"
    assert "week of 2026-10-26" in results["anomaly.cohort"].message
    assert earlier["anomaly.tickets"].status == "pass"
    assert "week of 2026-10-26" in earlier["anomaly.tickets"].message


def test_override_for_an_unknown_kpi_is_a_one_line_error(tmp_path):
    con = small_warehouse(tmp_path / "small.duckdb")
    settings = AnomalySettings.model_validate({"metrics": {"ticket": {"z_threshold": 4}}})
    try:
        with pytest.raises(InvalidInput, match=r"metrics\.ticket: no KPI of that name .*did you mean 'tickets'"):
            detect_anomalies(con, date(2026, 11, 8), settings)
    finally:
        con.close()


# Anomalies the sample generator plants (scorecard/sample/sql): judged at the default as-of none of them is in
# its first weeks any more, but these are the checks that may flag on the unmodified sample.
PLANTED = {
    "anomaly.feature_adoption_rate",  # smart lists launch 2026-10-05
    "anomaly.time_to_first_value_minutes",  # onboarding change 2026-10-20
    "anomaly.d1_retention",  # onboarding change 2026-10-20
    "anomaly.push_return_share",  # push campaign 2026-10-20
    "anomaly.api_error_rate",  # API incident 2026-11-03 and 04
    "anomaly.api_p99_latency_ms",
}


def flagged(path: Path, as_of: date) -> dict[str, str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        results = detect_anomalies(con, as_of, DEFAULTS)
    finally:
        con.close()
    return {r.check_id: r.status for r in results}


@pytest.mark.dbt
@pytest.mark.parametrize(("metric", "grain"), [("support_tickets", "week"), ("dau", "day"), ("mrr", "month")])
def test_five_fold_fault_in_the_built_sample_flags_that_kpi_only(default_sample, tmp_path, metric, grain):
    as_of = date.fromisoformat(SAMPLE_AS_OF)
    copy = tmp_path / "faulty.duckdb"
    shutil.copy(default_sample["path"], copy)
    before = flagged(copy, as_of)
    with duckdb.connect(str(copy), read_only=True) as con:
        assert len(before) == con.execute("select count(*) from kpis.kpi_definitions").fetchone()[0]
    assert {check for check, status in before.items() if status != "pass"} <= PLANTED

    con = duckdb.connect(str(copy))
    try:
        con.execute(
            "update kpis.kpi_values set value = value * 5 where metric_name = ? and grain = ? and period_start = ?",
            [metric, grain, latest_complete_period(as_of, grain)],
        )
    finally:
        con.close()
    after = flagged(copy, as_of)
    changed = {check for check in before if before[check] != after[check]}
    assert changed == {f"anomaly.{metric}"}
    assert after[f"anomaly.{metric}"] == "warn"
