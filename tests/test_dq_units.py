"""The parts of `scorecard check` that need no warehouse: the as-of moment, reading dbt's freshness
results, lineage from a check to KPIs, the combined data status, the key-result gate and the
thresholds file."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from scorecard.errors import InvalidInput
from scorecard.okrs.data_gate import GoodScore, apply_gate
from scorecard.quality.check import _exit_code
from scorecard.quality.dbt_tests import read_run_results, read_test_results, skip_causes, with_skip_causes
from scorecard.quality.freshness import as_of_moment, read_sources_json
from scorecard.quality.hours import hours_text
from scorecard.quality.lineage import Lineage
from scorecard.quality.results import CheckResult
from scorecard.quality.settings import load_thresholds
from scorecard.quality.status import DataStatus, combine


def result(status: str, kind: str = "dbt_test", target: str = "model.scorecard.fct_orders", **extra) -> CheckResult:
    return CheckResult(
        extra.pop("check_id", f"{kind}.{status}"), kind, target, status, None, None, f"{kind} {status}", **extra
    )


def test_the_as_of_moment_is_the_midnight_after_the_date_or_now_if_earlier():
    late = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    assert as_of_moment(date(2026, 11, 15), now=late) == datetime(2026, 11, 16)
    # judged on the day itself, the day is not over: now is the moment
    assert as_of_moment(date(2026, 11, 23), now=late) == datetime(2026, 11, 23, 9, 30)


def test_dbt_freshness_results_become_check_results(tmp_path: Path):
    criteria = {"warn_after": {"count": 12, "period": "hour"}, "error_after": {"count": 1, "period": "day"}}
    payload = {
        "results": [
            {
                "unique_id": "source.scorecard.support.support_tickets",
                "status": "error",
                "max_loaded_at": "2026-11-12T23:00:00+00:00",
                "max_loaded_at_time_ago_in_s": 73 * 3600,
                "criteria": criteria,
            },
            {
                "unique_id": "source.scorecard.app.events",
                "status": "pass",
                "max_loaded_at": "0001-01-01T00:00:00+00:00",
                "max_loaded_at_time_ago_in_s": 1e12,
                "criteria": criteria,
            },
        ]
    }
    path = tmp_path / "sources.json"
    path.write_text(json.dumps(payload))
    stale, empty = read_sources_json(path, datetime(2026, 11, 16))
    assert (stale.check_id, stale.status, stale.observed_value, stale.threshold) == (
        "freshness.support.support_tickets",
        "fail",
        73.0,
        24.0,
    )
    assert stale.message == (
        "source support.support_tickets last loaded 2026-11-12 23:00, 73.0 h before 2026-11-16 00:00 "
        "(warn after 12 h, error after 24 h)"
    )
    assert empty.observed_value is None and "has no rows" in empty.message


@pytest.mark.parametrize(
    ("age", "text"),
    [
        (73.0, "73.0 h"),
        (24.0, "24.0 h"),  # on the limit, and shown on it
        (23.98, "23.98 h"),  # "24.0 h" would read as on the 24 h limit, which it is under
        (24.04, "24.04 h"),  # and this one as on it, which it is over
        (23.9996, "23.9996 h"),
        (11.96, "11.96 h"),  # the warn limit counts too
    ],
)
def test_an_age_is_written_on_the_same_side_of_its_limits_as_it_is(age, text):
    assert hours_text(age, (12.0, 24.0, None)) == text


@pytest.mark.parametrize(
    ("age", "limit", "text"),
    [
        # limits in minutes are written in full ("warn after 0.75 h"): an age on one reads as on it, not
        # "0.8 h", and one under it keeps its usual decimal, not "0.20 h"
        (0.75, 0.75, "0.75 h"),
        (0.2, 0.25, "0.2 h"),
        (0.22, 0.25, "0.2 h"),
        (0.26, 0.25, "0.3 h"),  # over it, and reads so
        (float("nan"), 24.0, "nan h"),  # no age to compare: as usual, not an error
    ],
)
def test_an_age_is_compared_with_its_limit_as_written(age, limit, text):
    assert hours_text(age, (limit, None)) == text


def test_a_source_just_under_its_limit_does_not_read_as_on_it(tmp_path: Path):
    entry = {
        "unique_id": "source.scorecard.app.events",
        "status": "warn",
        "max_loaded_at": "2026-11-15T00:01:12+00:00",
        "max_loaded_at_time_ago_in_s": 23.98 * 3600,
        "criteria": {"warn_after": {"count": 12, "period": "hour"}, "error_after": {"count": 24, "period": "hour"}},
    }
    path = tmp_path / "sources.json"
    path.write_text(json.dumps({"results": [entry]}))
    (result,) = read_sources_json(path, datetime(2026, 11, 16))
    assert "23.98 h before 2026-11-16 00:00 (warn after 12 h, error after 24 h)" in result.message


def dbt_test(name: str, config: dict, kwargs: dict) -> dict:
    return {
        "unique_id": f"test.scorecard.{name}",
        "name": name,
        "resource_type": "test",
        "package_name": "scorecard",
        "attached_node": "model.scorecard.fct_api_requests",
        "config": {"severity": "ERROR", "warn_if": "!= 0", "error_if": "!= 0", **config},
        "test_metadata": {"name": name.split("_fct")[0], "kwargs": kwargs},
    }


def test_dbt_test_results_compare_failing_rows_with_the_failing_rows_allowed(tmp_path: Path):
    nodes = [
        dbt_test("null_rate_fct_api_requests_latency_ms__0_01", {}, {"max_null_rate": 0.01}),
        dbt_test("recent_volume_fct_api_requests_requested_at", {"severity": "warn", "warn_if": "> 10"}, {}),
        dbt_test("not_null_fct_api_requests_request_id", {"error_if": ">= 5"}, {}),
        dbt_test("accepted_values_fct_api_requests_status", {"error_if": "!= 3"}, {}),
    ]
    runs = [("fail", 1), ("warn", 12), ("pass", 0), ("pass", 0)]
    results = [
        {"unique_id": node["unique_id"], "status": status, "failures": failures, "message": None}
        for node, (status, failures) in zip(nodes, runs, strict=True)
    ]
    (tmp_path / "run_results.json").write_text(json.dumps({"results": results}))
    manifest = {"nodes": {node["unique_id"]: node for node in nodes}}
    null_rate, volume, not_null, odd = read_test_results(read_run_results(tmp_path), manifest, duckdb.connect())
    # failing rows against rows allowed, one unit: not the 0.01 rate argument beside a count of rows
    assert (null_rate.status, null_rate.observed_value, null_rate.threshold) == ("fail", 1.0, 0.0)
    assert (volume.status, volume.observed_value, volume.threshold) == ("warn", 12.0, 10.0)
    assert not_null.threshold == 4.0
    assert odd.threshold is None  # "!= 3" passes with 0 failing rows too: no single most allowed


def test_a_dbt_test_skipped_after_an_upstream_failure_says_so(tmp_path: Path):
    node = dbt_test("unique_fct_api_requests_request_id", {}, {})
    entry = {"unique_id": node["unique_id"], "status": "skipped", "failures": None, "message": None}
    (tmp_path / "run_results.json").write_text(json.dumps({"results": [entry]}))
    (result,) = read_test_results(read_run_results(tmp_path), {"nodes": {node["unique_id"]: node}}, duckdb.connect())
    assert (result.status, result.observed_value) == ("error", None)  # unknown, never a pass
    assert result.message == (
        "dbt test unique_fct_api_requests_request_id on fct_api_requests did not run: dbt skipped it after a "
        "failure upstream, so fct_api_requests was not rebuilt for this run"
    )


def test_a_dbt_test_that_could_not_run_says_why(tmp_path: Path):
    node = dbt_test("null_rate_fct_api_requests_latency_ms__0_01", {}, {"max_null_rate": 0.01})
    message = (
        "Runtime Error in test null_rate_fct_api_requests_latency_ms__0_01 (models/marts/_marts__models.yml)\n"
        '  Binder Error: Referenced column "latency_ms" not found in FROM clause!\n'
        '  Candidate bindings: "latency"\n\n  LINE 12: where latency_ms is null\n'
    )
    entry = {"unique_id": node["unique_id"], "status": "error", "failures": None, "message": message}
    (tmp_path / "run_results.json").write_text(json.dumps({"results": [entry]}))
    (result,) = read_test_results(read_run_results(tmp_path), {"nodes": {node["unique_id"]: node}}, duckdb.connect())
    assert (result.status, result.observed_value) == ("error", None)
    assert result.message == (
        "dbt test null_rate_fct_api_requests_latency_ms__0_01 on fct_api_requests could not run: "
        'Binder Error: Referenced column "latency_ms" not found in FROM clause! Candidate bindings: "latency" '
        "LINE 12: where latency_ms is null"
    )


MANIFEST = {
    "metadata": {"project_name": "scorecard"},
    "child_map": {
        "source.scorecard.shop.orders": ["model.scorecard.stg_orders"],
        "model.scorecard.stg_orders": ["model.scorecard.fct_orders", "test.scorecard.unique_stg_orders_order_id"],
        "model.scorecard.fct_orders": ["semantic_model.scorecard.orders", "model.scorecard.kpi_measures__orders"],
        "semantic_model.scorecard.orders": ["metric.scorecard.order_revenue", "metric.scorecard.orders"],
        "metric.scorecard.orders": ["metric.scorecard.aov"],
        "metric.scorecard.order_revenue": ["metric.scorecard.aov"],
        "semantic_model.scorecard.tickets": ["metric.scorecard.support_tickets"],
        "model.scorecard.kpi_measures__orders": ["model.scorecard.kpi_values"],
    },
}
KPIS = {"orders", "aov", "support_tickets"}  # order_revenue is a plain metric here, not a KPI


@pytest.mark.parametrize(
    ("target", "metrics", "expected"),
    [
        ("source.scorecard.shop.orders", (), {"orders", "aov"}),
        ("model.scorecard.kpi_measures__orders", (), {"orders", "aov"}),
        ("model.scorecard.kpi_values", (), KPIS),
        ("model.scorecard.kpi_values", ("order_revenue",), {"aov"}),
        ("model.scorecard.kpi_values", ("support_tickets",), {"support_tickets"}),
        ("model.scorecard.dim_nothing", (), set()),
    ],
)
def test_lineage_maps_a_check_to_the_kpis_below_it(target, metrics, expected):
    lineage = Lineage(MANIFEST, KPIS)
    assert lineage.affected_kpis(result("fail", target=target, metrics=metrics)) == expected


def test_the_worst_status_wins_and_the_reason_names_the_checks():
    assert combine([]) == DataStatus("unknown", "no data-quality check covers it")
    assert combine([result("pass"), result("skipped", kind="anomaly")]).status == "ok"
    assert combine([result("pass"), result("warn", kind="anomaly")]) == DataStatus("warn", "anomaly warn")
    stale = combine([result("warn"), result("fail", kind="freshness"), result("error")])
    assert stale == DataStatus("stale", "freshness fail")
    failed = combine([result("fail", kind="freshness"), result("fail", kind="gx", check_id="gx.b")])
    assert failed == DataStatus("failed", "gx fail")
    assert combine([result("error"), result("warn")]).status == "unknown"


def checkin(**values) -> dict:
    return {"as_of": date(2026, 11, 15), "status": "on_track", "score": 0.9, "progress": 0.9, **values}


FITTED_TO_TODAY = {
    "projection": 0.70,
    "projection_low": 0.43,
    "projection_high": 0.97,
    "hit_probability": 0.89,
    "projection_note": "9 points",
}


def test_a_key_result_on_failed_data_keeps_its_last_good_score_and_projection_marked():
    row = checkin(**FITTED_TO_TODAY)
    good = GoodScore(date(2026, 11, 8), 0.6, 0.6, (0.9, 0.61, 1.0, 0.96, "8 points"))
    apply_gate(row, DataStatus("failed", "dbt test x failed"), good)
    assert row["status"] == "unverified"
    assert (row["score"], row["progress"], row["score_as_of"]) == (0.6, 0.6, date(2026, 11, 8))
    assert (row["data_status"], row["data_status_reason"]) == ("failed", "dbt test x failed")
    # the chance of reaching the target fitted to the untrusted values moved while the score stood still
    projection = tuple(row[c] for c in FITTED_TO_TODAY)
    assert projection == (0.9, 0.61, 1.0, 0.96, "8 points")


def test_a_key_result_on_stale_data_without_history_has_no_score_nor_projection():
    row = checkin(**FITTED_TO_TODAY)
    apply_gate(row, DataStatus("stale", "source late"), None)
    assert (row["status"], row["score"], row["score_as_of"]) == ("unverified", None, None)
    assert tuple(row[c] for c in FITTED_TO_TODAY) == (
        None,
        None,
        None,
        None,
        "no projection: no check-in on good data yet",
    )


@pytest.mark.parametrize("status", ["ok", "warn", "unknown"])
def test_a_key_result_on_usable_data_keeps_its_fresh_score(status):
    row = checkin()
    apply_gate(row, DataStatus(status, "why"), GoodScore(date(2026, 11, 8), 0.1, 0.1))
    assert (row["status"], row["score"], row["score_as_of"], row["data_status"]) == (
        "on_track",
        0.9,
        date(2026, 11, 15),
        status,
    )


def write_thresholds(tmp_path: Path, text: str) -> Path:
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "thresholds.yml").write_text(text)
    return tmp_path


def test_no_thresholds_file_means_the_defaults(tmp_path: Path):
    assert load_thresholds(tmp_path, {"dau": "day"}).anomaly.z_threshold == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("anomaly: [1, 2\n", "checks/thresholds.yml:2: not valid YAML"),
        ("- 1\n", "checks/thresholds.yml: expected a mapping"),
        ("anomaly:\n  z_treshold: 4\n", "checks/thresholds.yml: anomaly.z_treshold: Extra inputs are not permitted"),
        (
            "anomaly:\n  z_threshold: high\n",
            "checks/thresholds.yml: anomaly.z_threshold: Input should be a valid number",
        ),
        ("gx: {}\n", "checks/thresholds.yml: gx: Extra inputs are not permitted"),
        (
            "anomaly:\n  metrics: {daus: {z_threshold: 4}}\n",
            "checks/thresholds.yml: anomaly.metrics.daus: no KPI of that name in metrics/ (did you mean 'dau'?)",
        ),
        (
            "anomaly:\n  metrics: {dau: {min_history: 200}}\n",
            "checks/thresholds.yml: anomaly settings: metrics.dau (day cadence): min_history 200 is longer than the "
            "training_window 84",
        ),
    ],
)
def test_a_broken_thresholds_file_is_one_line_naming_it(tmp_path: Path, text: str, message: str):
    with pytest.raises(InvalidInput) as caught:
        load_thresholds(write_thresholds(tmp_path, text), {"dau": "day", "wau": "day", "mau": "day"})
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        (["pass", "warn", "skipped"], 0),
        (["pass", "fail"], 1),
        (["pass", "error"], 2),
        # a failed check comes first: the data problem is the one to act on (README, docs/data-quality.md)
        (["fail", "error", "pass"], 1),
    ],
)
def test_the_checks_exit_code_puts_a_failure_before_a_check_that_could_not_run(statuses, code):
    assert _exit_code([result(status, check_id=f"c{i}") for i, status in enumerate(statuses)]) == code


def test_a_table_dbt_skipped_names_the_failures_above_it():
    # dbt's run results say only "skipped": a failed test on fct_orders stopped kpi_measures__orders and
    # kpi_values, while kpi_measures__deals (not below fct_orders) was built and passed
    manifest = {
        "nodes": {
            "test.p.recent_volume_fct_orders": {
                "name": "recent_volume_fct_orders",
                "attached_node": "model.p.fct_orders",
            },
            "model.p.broken": {"name": "broken"},
        },
        "parent_map": {
            "model.p.fct_orders": ["source.p.shop.orders"],
            "model.p.kpi_measures__orders": ["model.p.fct_orders"],
            "model.p.kpi_measures__deals": ["model.p.fct_deals"],
            "model.p.kpi_values": ["model.p.kpi_measures__orders", "model.p.kpi_measures__deals", "model.p.broken"],
        },
    }
    payload = {
        "results": [
            {"unique_id": "model.p.fct_orders", "status": "success"},
            {"unique_id": "test.p.recent_volume_fct_orders", "status": "fail"},
            {"unique_id": "model.p.broken", "status": "error"},
            {"unique_id": "model.p.kpi_measures__orders", "status": "skipped"},
            {"unique_id": "model.p.kpi_measures__deals", "status": "success"},
            {"unique_id": "model.p.kpi_values", "status": "skipped"},
        ]
    }
    causes = skip_causes(payload, manifest)
    assert causes == {
        "model.p.kpi_measures__orders": ["recent_volume_fct_orders"],
        "model.p.kpi_values": ["broken", "recent_volume_fct_orders"],
    }
    stale = CheckResult(
        "gx.kpis.kpi_values.expect_column_max_to_be_between.period_start",
        "gx",
        "model.p.kpi_values",
        "fail",
        48.0,
        24.0,
        "kpis.kpi_values.period_start: newest value is 2026-11-30 00:00, 48.0 h before",
        (),
        True,
    )
    passed = CheckResult("gx.x", "gx", "model.p.kpi_values", "pass", 1.0, 24.0, "fresh", (), True)
    named, untouched = with_skip_causes([stale, passed], causes)
    assert named.message == (
        "kpis.kpi_values.period_start: newest value is 2026-11-30 00:00, 48.0 h before; dbt skipped kpi_values "
        "after broken, recent_volume_fct_orders failed upstream"
    )
    assert untouched == passed
