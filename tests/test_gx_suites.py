"""The Great Expectations suites in checks/expectations/ and their runner (scorecard.quality.gx_suites).

The suites pass on the built sample and each planted fault fails exactly the expectation meant to catch
it; the runner's reduced frames (grouped combinations, uniqueness candidates, chunks) give the answers GX
gives on every row; broken suite files stop the run with one line naming the file."""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from scorecard.errors import InvalidInput
from scorecard.quality.gx_results import _percent
from scorecard.quality.gx_suites import GxSettings, load_suites, run_suites
from tests.conftest import PROJECT_DIR, inject, query

SUITES = PROJECT_DIR / "checks" / "expectations"
# The sample's load cutoff: the midnight after its as-of date, 2026-11-15.
AS_OF_MOMENT = datetime(2026, 11, 16)
RAW_TABLES = [
    "ad_spend",
    "api_requests",
    "carts",
    "checkouts",
    "deals",
    "deliveries",
    "events",
    "invoices",
    "landing_visits",
    "loyalty_enrollments",
    "orders",
    "rep_quotas",
    "sessions",
    "subscriptions",
    "subscription_changes",
    "support_tickets",
    "survey_responses",
    "users",
]
MARTS = [
    "dim_users",
    "fct_sessions",
    "fct_orders",
    "fct_subscriptions",
    "fct_support_tickets",
    "fct_survey_responses",
    "fct_api_requests",
    "fct_deals",
    "fct_invoices",
    "fct_marketing_spend",
]


def run(path: Path, suites: Path = SUITES, settings: GxSettings | None = None, docs: Path | None = None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return run_suites(con, suites, AS_OF_MOMENT, settings or GxSettings(), docs, PROJECT_DIR)
    finally:
        con.close()


def not_passing(results) -> dict[str, str]:
    return {r.check_id: r.status for r in results if r.status != "pass"}


@pytest.fixture
def sample_copy(default_sample, tmp_path: Path) -> Path:
    copy = tmp_path / "faulty.duckdb"
    shutil.copy(default_sample["path"], copy)
    return copy


# ----------------------------------------------------------------------------------------------------
# The suites themselves


def test_there_is_a_suite_for_every_source_mart_and_kpi_values():
    suites = {s.name: s for s in load_suites(SUITES, PROJECT_DIR)}
    expected = {f"raw.{t}" for t in RAW_TABLES} | {f"marts.{t}" for t in MARTS} | {"kpis.kpi_values"}
    assert set(suites) == expected
    for name, suite in suites.items():
        assert suite.table == name
        assert suite.meta.partition_by, name
        kinds = {e.type for e in suite.expectations}
        assert "expect_table_row_count_to_be_between" in kinds, name
        assert kinds & {"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"}, name
        assert "expect_column_values_to_not_be_null" in kinds, name
    assert {s.meta.node for s in suites.values() if s.table.startswith("marts.")} == {
        f"model.scorecard.{t}" for t in MARTS
    }
    assert suites["kpis.kpi_values"].meta.node == "model.scorecard.kpi_values"


def source_freshness() -> dict[str, tuple[str, str]]:
    """raw table -> (dbt source name, the error_after as an as_of_minus_* parameter name)."""
    found = {}
    for path in (PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                after = table["config"]["freshness"]["error_after"]
                unit = {"hour": "h", "day": "d"}[after["period"]]
                found[table["name"]] = (source["name"], f"as_of_minus_{after['count']}{unit}")
    return found


def test_source_suites_check_freshness_with_the_sources_error_after():
    suites = {s.name: s for s in load_suites(SUITES, PROJECT_DIR)}
    freshness = source_freshness()
    assert set(freshness) == set(RAW_TABLES)
    for table, (source, parameter) in freshness.items():
        suite = suites[f"raw.{table}"]
        assert suite.meta.node == f"source.scorecard.{source}.{table}"
        [fresh] = [e for e in suite.expectations if e.type == "expect_column_max_to_be_between"]
        assert fresh.kwargs == {"column": "_loaded_at", "min_value": {"$PARAMETER": parameter}}, table


def declared_ranges() -> dict[str, tuple[list, str]]:
    """KPI -> (config.meta.kpi.range, cadence) for the KPIs in metrics/ that declare a range."""
    found = {}
    for path in (PROJECT_DIR / "metrics").glob("*.yml"):
        for metric in (yaml.safe_load(path.read_text()) or {}).get("metrics") or []:
            kpi = ((metric.get("config") or {}).get("meta") or {}).get("kpi") or {}
            if "range" in kpi:
                found[metric["name"]] = (kpi["range"], kpi["cadence"])
    return found


def test_kpi_ranges_follow_the_ranges_declared_in_metrics():
    [suite] = [s for s in load_suites(SUITES, PROJECT_DIR) if s.name == "kpis.kpi_values"]
    by_name = {e.meta.get("check_name"): e for e in suite.expectations if e.meta.get("check_name")}
    shares = by_name["share"].kwargs
    assert (shares["min_value"], shares["max_value"]) == (0, 1)
    # the ratios held to [0, 1] are those whose range (declared, else the unit's) ends at 1, read from
    # kpi_definitions: a KPI added with a range of its own needs no edit to this suite
    [unit, share] = shares["row_condition"]["conditions"]
    assert (unit["column"]["name"], unit["operator"], unit["parameter"]) == ("unit", "==", "ratio")
    assert (share["column"]["name"], share["operator"], share["parameter"]) == ("range_high", "==", 1)
    assert "range_high" in suite.meta.lookups[0].columns
    ranges = declared_ranges()
    assert ranges, "metrics/ declares no range any more: revisit the kpi_values suite"
    for metric, ((low, high), cadence) in ranges.items():
        # a KPI with its own range is checked against it
        check = by_name[f"declared_range.{metric}"].kwargs
        assert (check.get("min_value"), check.get("max_value")) == (low, high), metric
        conditions = {c["column"]["name"]: c["parameter"] for c in check["row_condition"]["conditions"]}
        assert conditions == {"metric_name": metric, "grain": cadence, "dimension_name": "all"}


# ----------------------------------------------------------------------------------------------------
# On the built sample


@pytest.mark.dbt
def test_every_expectation_passes_on_the_sample(default_sample, capfd):
    results = run(default_sample["path"])
    expectations = sum(len(json.loads(p.read_text())["expectations"]) for p in SUITES.glob("*.json"))
    assert len(results) == expectations
    assert len({r.check_id for r in results}) == len(results)
    assert not_passing(results) == {}
    assert {r.kind for r in results} == {"gx"}
    freshness = [r for r in results if r.check_id == "gx.raw.events.expect_column_max_to_be_between._loaded_at"]
    assert 0 <= freshness[0].observed_value < 1 and freshness[0].threshold == 24.0  # hours
    assert {r.check_id.split(".")[-1] for r in results if r.measures_freshness} == {
        "_loaded_at",  # every source
        *("signed_up_at", "started_at", "ordered_at", "requested_at", "spend_date"),  # the busiest marts
        "period_start",  # kpi_values
    }
    # GX's usage statistics stay off, and neither GX nor its progress bars print anything
    assert os.environ["GX_ANALYTICS_ENABLED"] == "False"
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


@pytest.mark.dbt
def test_the_share_check_holds_a_ratio_to_0_to_1_unless_its_range_says_otherwise(sample_copy):
    # a KPI added with `range: [-1, null]` (a period-over-period change) failed the share check, which
    # listed the six KPIs with other ranges by name
    inject(
        sample_copy,
        "update kpis.kpi_values set value = -0.4 where metric_name = 'd1_retention' and grain = 'week' "
        "and dimension_name = 'all' and period_start = '2026-10-05'",
    )
    check_id = "gx.kpis.kpi_values.expect_column_values_to_be_between.value.share"
    assert not_passing(run(sample_copy)) == {check_id: "fail"}
    inject(
        sample_copy,
        "update kpis.kpi_definitions set range_low = -1, range_high = null where metric_name = 'd1_retention'",
    )
    assert not_passing(run(sample_copy)) == {}


@pytest.mark.dbt
def test_a_burst_of_nulls_fails_that_columns_null_check(sample_copy):
    inject(sample_copy, "update marts.fct_api_requests set latency_ms = null where request_id % 20 = 0")
    results = run(sample_copy)
    check_id = "gx.marts.fct_api_requests.expect_column_values_to_not_be_null.latency_ms"
    assert not_passing(results) == {check_id: "fail"}
    [failed] = [r for r in results if r.check_id == check_id]
    [(nulls, rows)] = query(sample_copy, "select count(*) - count(latency_ms), count(*) from marts.fct_api_requests")
    assert failed.observed_value == pytest.approx(nulls / rows) and failed.threshold == pytest.approx(0.01)
    assert failed.target == "model.scorecard.fct_api_requests"
    assert "are null" in failed.message and "at most 1% allowed" in failed.message


@pytest.mark.dbt
def test_duplicate_primary_keys_fail_the_uniqueness_check(sample_copy):
    inject(sample_copy, "insert into raw.orders select * from raw.orders order by order_id limit 3")
    results = run(sample_copy)
    check_id = "gx.raw.orders.expect_column_values_to_be_unique.order_id"
    assert not_passing(results) == {check_id: "fail"}
    [failed] = [r for r in results if r.check_id == check_id]
    [(rows,)] = query(sample_copy, "select count(*) from raw.orders")
    assert failed.observed_value == pytest.approx(6 / rows)  # both copies of each of the three keys
    assert f"6 of {rows:,} non-null values are duplicated" in failed.message


@pytest.mark.dbt
def test_a_source_not_loaded_for_three_days_fails_its_freshness_check(sample_copy):
    inject(sample_copy, "delete from raw.events where _loaded_at > timestamp '2026-11-16' - interval 3 days")
    results = run(sample_copy)
    check_id = "gx.raw.events.expect_column_max_to_be_between._loaded_at"
    assert not_passing(results) == {check_id: "fail"}
    [stale] = [r for r in results if r.check_id == check_id]
    assert stale.observed_value >= 72 and stale.threshold == 24
    assert stale.target == "source.scorecard.app.events" and stale.measures_freshness
    assert "h before the as-of moment 2026-11-16 00:00 (at most 24 h allowed)" in stale.message


@pytest.mark.dbt
def test_a_ratio_kpi_above_one_fails_the_range_check_and_names_the_metric(sample_copy):
    inject(
        sample_copy,
        """
        update kpis.kpi_values set value = 1.5
        where metric_name = 'd1_retention' and grain = 'week' and dimension_name = 'all'
          and period_start = date '2026-10-26'
        """,
    )
    results = run(sample_copy)
    check_id = "gx.kpis.kpi_values.expect_column_values_to_be_between.value.share"
    assert not_passing(results) == {check_id: "fail"}
    [failed] = [r for r in results if r.check_id == check_id]
    assert failed.metrics == ("d1_retention",)
    assert failed.target == "model.scorecard.kpi_values"
    assert "e.g. 1.5" in failed.message and "d1_retention" in failed.message


@pytest.mark.dbt
def test_chunked_and_unchunked_runs_agree(sample_copy, tmp_path):
    # Faults so that the merged counts are not all zero.
    inject(
        sample_copy,
        "update raw.orders set amount = -1 where order_id % 7 = 0",
        "update raw.orders set currency = null where order_id % 11 = 0",
        "insert into raw.orders select * from raw.orders order by order_id limit 40",
        "update marts.fct_api_requests set latency_ms = null where request_id % 9 = 0",
        "update kpis.kpi_values set value = 2 where metric_name = 'activation_rate' and grain = 'day'",
    )
    failing: set[str] = set()
    # chunk_rows far below the tables' sizes: frames of many combinations (amounts, latencies, KPI values) split.
    for names, chunk_rows in [
        (("raw.orders", "marts.fct_api_requests", "marts.fct_survey_responses"), 2_000),
        (("kpis.kpi_values",), 50_000),
    ]:
        suites = tmp_path / f"chunks_of_{chunk_rows}"
        suites.mkdir()
        for name in names:
            shutil.copy(SUITES / f"{name}.json", suites)
        whole = run(sample_copy, suites)
        assert run(sample_copy, suites, GxSettings(chunk_rows=chunk_rows)) == whole
        failing |= set(not_passing(whole))
    assert failing == {
        "gx.raw.orders.expect_column_values_to_be_unique.order_id",
        "gx.raw.orders.expect_column_values_to_be_between.amount",
        "gx.raw.orders.expect_column_values_to_not_be_null.currency",
        "gx.marts.fct_api_requests.expect_column_values_to_not_be_null.latency_ms",
        "gx.kpis.kpi_values.expect_column_values_to_be_between.value.share",
    }


# ----------------------------------------------------------------------------------------------------
# The runner on a small warehouse made here


@pytest.fixture
def small_warehouse(tmp_path: Path) -> Path:
    """raw.orders with known faults: nulls, duplicated keys, an out-of-range amount, a load 12 hours old."""
    path = tmp_path / "small.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema raw")
    con.execute(
        """
        create table raw.orders as
        select
            i as order_id,
            case when i % 10 = 0 then null else i % 37 end as user_id,
            case when i = 5 then -3.0 when i % 13 = 0 then null else (i % 50) * 1.5 end as amount,
            case when i % 3 = 0 then 'cancelled' when i % 3 = 1 then 'placed' else 'shipped' end as status,
            case when i % 3 = 0 and i % 9 <> 0 then timestamp '2026-11-01' + to_days(i % 20) end as cancelled_at,
            timestamp '2026-11-01' + to_hours(i) as ordered_at,
            timestamp '2026-11-15 12:00' - to_minutes(i - 1) as _loaded_at
        from range(1, 301) t(i)
        union all
        select i, 1, 1.0, 'placed', null, timestamp '2026-11-02', timestamp '2026-11-15' from range(7, 12) t(i)
        """
    )
    con.execute("create table raw.statuses (status varchar, phase varchar)")
    con.execute("insert into raw.statuses values ('cancelled', 'closed'), ('placed', 'open')")
    con.close()
    return path


def suite_file(folder: Path, expectations: list[dict], name: str = "raw.orders", **scorecard) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"table": "raw.orders", "node": "source.scorecard.shop.orders", "partition_by": ["order_id"], **scorecard}
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"name": name, "meta": {"scorecard": meta}, "expectations": expectations}))
    return path


def eq(column: str, value) -> dict:
    return {"type": "comparison", "column": {"name": column}, "operator": "==", "parameter": value}


SMALL_SUITE = [
    {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1, "max_value": 500}},
    {
        "type": "expect_column_max_to_be_between",
        "kwargs": {"column": "_loaded_at", "min_value": {"$PARAMETER": "as_of_minus_12h"}},
    },
    {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "order_id"}},
    {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["order_id", "status"]}},
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "user_id", "mostly": 0.95}},
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "amount", "mostly": 0.9}},
    {
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "cancelled_at", "row_condition": eq("status", "cancelled")},
    },
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "amount", "min_value": 0}},
    {
        "type": "expect_column_values_to_be_in_set",
        "kwargs": {"column": "status", "value_set": ["placed", "shipped"], "mostly": 0.6},
    },
    {
        "type": "expect_column_pair_values_a_to_be_greater_than_b",
        "kwargs": {
            "column_A": "cancelled_at",
            "column_B": "ordered_at",
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
    },
    {
        "type": "expect_column_min_to_be_between",
        "kwargs": {"column": "amount", "min_value": 0, "row_condition": eq("status", "placed")},
    },
    {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "amount", "min_value": 10, "max_value": 50}},
    {
        # a multicolumn map: validated on the rows themselves, in chunks when there are many
        "type": "expect_select_column_values_to_be_unique_within_record",
        "kwargs": {"column_list": ["user_id", "order_id"], "mostly": 0.9},
    },
]


def plain_gx(path: Path, expectations: list[dict]) -> list:
    """GX's own answers on every row of raw.orders, validated the ordinary way, in suite order."""
    import great_expectations as gx
    import pandas as pd
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    con = duckdb.connect(str(path), read_only=True)
    frame = pd.DataFrame(con.execute("select * from raw.orders").fetchnumpy())  # the dtypes the runner reads
    con.close()
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    batch = context.data_sources.add_pandas("p").add_dataframe_asset("a").add_batch_definition_whole_dataframe("b")
    numbered = [{**e, "meta": {"position": i}} for i, e in enumerate(expectations)]
    outcome = batch.get_batch(batch_parameters={"dataframe": frame}).validate(
        gx.ExpectationSuite(name="plain", expectations=numbered),
        expectation_parameters={"as_of_minus_12h": datetime(2026, 11, 15, 12)},
        result_format="SUMMARY",
    )
    return sorted(outcome.results, key=lambda r: r.expectation_config.meta["position"])


@pytest.mark.parametrize("chunk_rows", [5_000_000, 7])
def test_reduced_frames_give_gxs_answers_on_every_row(small_warehouse, tmp_path, chunk_rows):
    suites = tmp_path / "suites"
    suite_file(
        suites,
        [e for e in SMALL_SUITE if e["type"] != "expect_column_mean_to_be_between"]
        if chunk_rows < 1000
        else SMALL_SUITE,
    )
    results = {r.check_id: r for r in run(small_warehouse, suites, GxSettings(chunk_rows=chunk_rows))}
    expected = plain_gx(small_warehouse, SMALL_SUITE)
    for config, truth in zip(SMALL_SUITE, expected, strict=True):
        matching = [r for r in results.values() if f".{config['type']}." in r.check_id]
        if not matching:  # the mean cannot be merged across chunks: left out of the chunked run
            continue
        [mine] = [r for r in matching if _same_columns(r.check_id, config)]
        assert mine.status == ("pass" if truth.success else "fail"), (mine, truth.result)
        summary = truth.result
        if "unexpected_count" in summary:
            basis = summary["element_count"] - summary.get("missing_count", 0)
            assert mine.observed_value == pytest.approx(summary["unexpected_count"] / basis), mine
        elif config["type"] == "expect_table_row_count_to_be_between":
            assert mine.observed_value == summary["observed_value"]
    # the faults are found: a duplicated key, nulls where a cancelled order needs a date, a negative amount
    failing = {c.split(".", 3)[3] for c in not_passing(results.values())}
    assert {
        "expect_column_values_to_be_unique.order_id",
        "expect_column_values_to_not_be_null.cancelled_at",
        "expect_column_values_to_be_between.amount",
    } <= failing


def _same_columns(check_id: str, config: dict) -> bool:
    kwargs = config["kwargs"]
    columns = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs] + kwargs.get("column_list", [])
    return check_id.split(".")[4] == ("+".join(columns) or "table")


def test_freshness_is_the_age_in_hours_of_the_newest_row(small_warehouse, tmp_path):
    suite_file(tmp_path / "s", SMALL_SUITE[1:2])
    [fresh] = run(small_warehouse, tmp_path / "s")
    assert fresh.status == "pass" and fresh.observed_value == 12.0 and fresh.threshold == 12.0
    late = datetime(2026, 11, 16, 1)
    con = duckdb.connect(str(small_warehouse), read_only=True)
    [stale] = run_suites(con, tmp_path / "s", late, GxSettings(), None, tmp_path)
    con.close()
    assert stale.status == "fail" and stale.observed_value == 13.0


def test_an_empty_table_fails_its_row_count_and_freshness_only(small_warehouse, tmp_path):
    inject(small_warehouse, "delete from raw.orders")
    suite_file(tmp_path / "s", SMALL_SUITE)
    results = run(small_warehouse, tmp_path / "s")
    assert not_passing(results) == {
        "gx.raw.orders.expect_table_row_count_to_be_between.table": "fail",
        "gx.raw.orders.expect_column_max_to_be_between._loaded_at": "fail",
        "gx.raw.orders.expect_column_min_to_be_between.amount": "fail",  # no placed order: no minimum
        "gx.raw.orders.expect_column_mean_to_be_between.amount": "fail",
    }
    [fresh] = [r for r in results if r.check_id.endswith("._loaded_at")]
    assert fresh.observed_value is None and "no values" in fresh.message
    # a share of no rows is no share: not 0% of them (docs/outputs.md, observed_value)
    [nulls] = [r for r in results if r.check_id == "gx.raw.orders.expect_column_values_to_not_be_null.user_id"]
    assert (nulls.status, nulls.observed_value, nulls.threshold) == ("pass", None, pytest.approx(0.05))
    assert nulls.message == "raw.orders.user_id: no rows to check (at most 5% allowed)"


def test_a_share_over_its_limit_never_reads_as_the_limit():
    # 405 of 20,214 users without a country failed "at most 2%" and read "(2%; at most 2% allowed)"
    assert _percent(405 / 20214, 0.02) == "2.004%"
    assert _percent(0.02, 0.02) == "2%" and _percent(0.0004, 0.0) == "0.04%"
    assert _percent(405 / 20214) == "2%"  # with no limit to read against, two significant digits
    # a share at a limit such as 29% reads as the limit ("29.0%"), though 100 * 0.29 is 28.999999999999996 ...
    assert _percent(0.29, 0.29) == "29.0%" and _percent(0.57, 0.57) == "57.0%"
    # ... and one just over it reads as over it, not as "29.0%" beside "at most 29.0% allowed"
    assert _percent(0.2901, 0.29) == "29.01%" and _percent(0.2899, 0.29) == "28.99%"
    # against the limit as written ("at most 0.1%", "at most 1.2%"): no share that passes gains a decimal
    assert _percent(0.0, 0.001) == "0%" and _percent(1 / 96, 0.0125) == "1%"


def test_lookups_join_columns_from_another_table(small_warehouse, tmp_path):
    lookups = [{"table": "raw.statuses", "key": ["status"], "columns": ["phase"]}]
    expectations = [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "phase", "mostly": 0.5}},
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "phase", "value_set": ["open"], "row_condition": eq("status", "cancelled")},
        },
    ]
    suite_file(tmp_path / "s", expectations, lookups=lookups, metric_column="status")
    null_check, in_set = run(small_warehouse, tmp_path / "s")
    [(shipped, rows)] = query(
        small_warehouse, "select count(*) filter (where status = 'shipped'), count(*) from raw.orders"
    )
    assert null_check.status == "pass" and null_check.observed_value == pytest.approx(shipped / rows)
    assert in_set.status == "fail" and in_set.metrics == ("cancelled",)


def test_an_expectation_that_cannot_be_merged_stops_a_chunked_run(small_warehouse, tmp_path):
    path = suite_file(tmp_path / "checks" / "expectations", SMALL_SUITE)
    with pytest.raises(InvalidInput) as caught:
        run_suites(
            duckdb.connect(str(small_warehouse), read_only=True),
            path.parent,
            AS_OF_MOMENT,
            GxSettings(chunk_rows=50),
            None,
            tmp_path,
        )
    assert str(caught.value).startswith(
        "checks/expectations/raw.orders.json: expectations[11] (expect_column_mean_to_be_between)"
    )
    assert "cannot be merged across chunks" in str(caught.value)


def test_data_docs_are_written(small_warehouse, tmp_path):
    suite_file(tmp_path / "s", SMALL_SUITE)
    docs = tmp_path / "docs"
    results = run(small_warehouse, tmp_path / "s", docs=docs)
    assert (docs / "index.html").is_file()
    pages = list((docs / "validations").rglob("*.html"))
    assert len(pages) == 1 and "raw.orders" in pages[0].read_text()
    assert "raw.orders" in (docs / "index.html").read_text()
    assert len(results) == len(SMALL_SUITE)


# ----------------------------------------------------------------------------------------------------
# Broken suite files


GOOD = [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "order_id"}}]
BROKEN = {
    "invalid JSON": ("{", r"raw\.orders\.json:1:2: not valid JSON"),
    "not a suite": ("[1, 2]", r"not a GX expectation suite"),
    "unknown type": (
        {"expectations": [{"type": "expect_column_values_to_be_nul", "kwargs": {"column": "order_id"}}]},
        r"expectations\[0\]: unknown expectation type 'expect_column_values_to_be_nul' \(did you mean "
        r"'expect_column_values_to_be_null'\?\)",
    ),
    "no meta.scorecard": ({"meta": {}}, r"meta\.scorecard is missing"),
    "no table": (
        {"meta": {"scorecard": {"node": "source.scorecard.shop.orders"}}},
        r"meta\.scorecard\.table: Field required",
    ),
    "no node": ({"meta": {"scorecard": {"table": "raw.orders"}}}, r"meta\.scorecard\.node: Field required"),
    "unknown table": (
        {"meta": {"scorecard": {"table": "raw.ordrs", "node": "x"}}},
        r"table raw\.ordrs not found in the warehouse",
    ),
    "unknown column": (
        {"expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "amout"}}]},
        r"expectations\[0\] \(expect_column_values_to_not_be_null\): column 'amout' is not in raw\.orders "
        r"\(did you mean 'amount'\?\)",
    ),
    "unknown parameter": (
        {
            "expectations": [
                {
                    "type": "expect_column_max_to_be_between",
                    "kwargs": {"column": "_loaded_at", "min_value": {"$PARAMETER": "yesterday"}},
                }
            ]
        },
        r"unknown \$PARAMETER 'yesterday'",
    ),
    "invalid kwargs": (
        {
            "expectations": [
                {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "order_id", "mostly": 2}}
            ]
        },
        r"not a valid GX suite: ",
    ),
    "string row condition": (
        {
            "expectations": [
                {
                    "type": "expect_column_values_to_not_be_null",
                    "kwargs": {"column": "amount", "row_condition": 'status=="placed"', "condition_parser": "pandas"},
                }
            ]
        },
        r"row_condition must be a GX Condition object",
    ),
    "two checks with one id": ({"expectations": GOOD + GOOD}, r"give one of them a distinct meta\.check_name"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_suite_is_one_line_naming_the_file(small_warehouse, tmp_path, case, capfd):
    content, message = BROKEN[case]
    folder = tmp_path / "checks" / "expectations"
    folder.mkdir(parents=True)
    suite_file(folder, GOOD, name="raw.carts")  # a good file beside it changes nothing
    if isinstance(content, str):
        (folder / "raw.orders.json").write_text(content)
    else:
        suite = {
            "name": "raw.orders",
            "meta": {"scorecard": {"table": "raw.orders", "node": "source.scorecard.shop.orders"}},
            "expectations": GOOD,
            **content,
        }
        (folder / "raw.orders.json").write_text(json.dumps(suite))
    con = duckdb.connect(str(small_warehouse), read_only=True)
    with pytest.raises(InvalidInput) as caught:
        run_suites(con, folder, AS_OF_MOMENT, GxSettings(), None, tmp_path)
    con.close()
    text = str(caught.value)
    assert text.startswith("checks/expectations/raw.orders.json"), text
    assert re.search(message, text), text
    assert "\n" not in text and "Traceback" not in text
    assert capfd.readouterr() == ("", "")


def test_a_missing_suites_folder_is_named(tmp_path):
    with pytest.raises(InvalidInput, match=r"^checks/expectations: folder of GX suites not found$"):
        load_suites(tmp_path / "checks" / "expectations", tmp_path)
