"""The whole dbt project on generated data: it parses cleanly and `dbt build` passes with no warning."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from scorecard.quality.dbt_tests import read_run_results, read_test_results
from tests.conftest import dbt, query

pytestmark = pytest.mark.dbt

WARNING = re.compile(r"\[WARNING\]|Deprecat|WARN=[1-9]", re.IGNORECASE)


@pytest.fixture(scope="module")
def built(built_sample) -> tuple[Path, str]:
    return built_sample["path"], built_sample["stdout"]


def test_parse_has_no_warnings(tmp_path):
    result = dbt(["parse", "--no-partial-parse", "--show-all-deprecations"], tmp_path / "p.duckdb", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert not WARNING.search(result.stdout), result.stdout[-3000:]


def test_build_passes_without_warnings(built):
    _, stdout = built
    assert "ERROR=0" in stdout and "WARN=0" in stdout
    assert not WARNING.search(stdout), stdout[-3000:]


def test_check_results_name_the_table_each_test_checks(built_sample):
    """The KPI parity tests read kpi_definitions beside kpi_values; their check results must point at
    kpi_values, the table they judge, or a parity test that cannot run concerns no KPI."""
    manifest = json.loads((built_sample["target"] / "manifest.json").read_text())
    with duckdb.connect(str(built_sample["path"]), read_only=True) as con:
        tests = read_test_results(read_run_results(built_sample["target"]), manifest, con)
        results = {r.check_id.split(".")[2]: r for r in tests}
    assert results["assert_additive_kpi_segments_sum_to_total"].target == "model.scorecard.kpi_values"
    assert results["assert_ratio_kpi_segments_in_numerator_and_denominator"].target == "model.scorecard.kpi_values"
    assert all(r.target.startswith(("model.", "source.")) for r in results.values())
    assert {r.status for r in results.values()} == {"pass"}


def test_marts_hold_rows_for_every_kpi_area(built):
    path, _ = built
    for table in [
        "dim_users",
        "fct_user_cohorts",
        "fct_sessions",
        "fct_user_days",
        "fct_user_weeks",
        "fct_landing_visits",
        "fct_carts",
        "fct_orders",
        "fct_subscriptions",
        "fct_subscription_days",
        "fct_invoices",
        "fct_support_tickets",
        "fct_survey_responses",
        "fct_marketing_spend",
        "fct_deals",
        "fct_rep_quotas",
        "fct_api_requests",
    ]:
        assert query(path, f"select count(*) from marts.{table}")[0][0] > 0, table


def test_staging_is_the_only_layer_reading_sources(built):
    project = Path(__file__).resolve().parents[1] / "models"
    offenders = [
        str(p.relative_to(project))
        for p in project.rglob("*.sql")
        if "source(" in p.read_text() and p.parts[len(project.parts)] != "staging"
    ]
    assert offenders == []


def test_recent_cohorts_are_immature_not_unretained(built):
    path, _ = built
    # users who signed up in the last 29 days have no day-30 answer yet; older ones all do
    rows = query(
        path,
        """
        select signup_date > date '2026-11-15' - 30 as is_recent, count(*), count(is_retained_d30)
        from marts.fct_user_cohorts group by 1 order by 1
        """,
    )
    (_, old_total, old_known), (_, recent_total, recent_known) = rows
    assert old_total == old_known and recent_known == 0 and recent_total > 0


def test_docs_generate_documents_every_metric(built_sample):
    import json

    result = dbt(["docs", "generate"], built_sample["path"], built_sample["scratch"], as_of="2026-11-15")
    assert result.returncode == 0, result.stdout[-3000:]
    target = built_sample["target"]
    assert (target / "index.html").exists() and (target / "catalog.json").exists()
    manifest = json.loads((target / "manifest.json").read_text())
    metrics = [m for m in manifest["metrics"].values() if m["package_name"] == "scorecard"]
    assert len(metrics) >= 48
    undocumented = [m["name"] for m in metrics if len((m.get("description") or "").strip()) < 20 or not m.get("label")]
    assert undocumented == []
    models = [m for m in manifest["semantic_models"].values() if m["package_name"] == "scorecard"]
    assert all((m.get("description") or "").strip() for m in models)
    catalog = json.loads((target / "catalog.json").read_text())
    assert any(key.endswith(".kpi_values") for key in catalog["nodes"])
