"""KPI properties on the built sample data: the ARPU identity, and incremental runs equal to a full rebuild."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pytest

from scorecard.sample import SampleSpec, generate
from tests.conftest import copy_project, dbt, query

pytestmark = pytest.mark.dbt

KEYS = "grain, period_start, dimension_name, dimension_value"


def test_arpu_is_aov_times_orders_per_buyer_times_paying_user_share(built_sample):
    rows = query(
        built_sample["path"],
        f"""
        with parts as (
            select {KEYS}, metric_name, value from kpis.kpi_values
            where metric_name in ('arpu', 'aov', 'orders_per_buyer', 'paying_user_share')
        )
        select {KEYS},
            max(case when metric_name = 'arpu' then value end) as arpu,
            max(case when metric_name = 'aov' then value end) as aov,
            max(case when metric_name = 'orders_per_buyer' then value end) as orders_per_buyer,
            max(case when metric_name = 'paying_user_share' then value end) as paying_user_share
        from parts group by {KEYS}
        """,
    )
    checked = 0
    for *key, arpu, aov, orders_per_buyer, paying_user_share in rows:
        if None in (aov, orders_per_buyer, paying_user_share):
            continue
        assert arpu == pytest.approx(aov * orders_per_buyer * paying_user_share, rel=1e-12), key
        checked += 1
    segments = {(key[0], key[2]) for *key, _, _, _, _ in rows}
    assert checked > 1000
    assert {("day", "all"), ("week", "platform"), ("month", "country"), ("quarter", "all")} <= segments


@pytest.fixture(scope="module")
def incremental_then_full(tmp_path_factory):
    """Build as of 2026-11-14, add a day of data, run incrementally as of 2026-11-15, then fully rebuild."""
    scratch = tmp_path_factory.mktemp("incremental")
    path = scratch / "w.duckdb"
    generate(path, SampleSpec(users=3000, as_of=date(2026, 11, 14)))
    first = dbt(["build"], path, scratch, as_of="2026-11-14")
    assert first.returncode == 0, first.stdout[-3000:]
    generate(path, SampleSpec(users=3000, as_of=date(2026, 11, 15)))
    incremental = dbt(["run"], path, scratch, as_of="2026-11-15")
    assert incremental.returncode == 0, incremental.stdout[-3000:]
    # an incremental run's main statement inserts the recomputed periods into the existing table
    run_sql = scratch / "target" / "run" / "scorecard" / "models" / "kpis" / "kpi_measures__user_days.sql"
    assert run_sql.read_text().lstrip().startswith('insert into "w"."kpis"."kpi_measures__user_days"')
    # wau and mau take the incremental path that groups each member's last and first day
    assert "cumulative__wau__spans" in run_sql.read_text() and "cumulative__mau__spans" in run_sql.read_text()
    # distinct users split by the user's platform or country read fct_user_days unjoined
    quarter_pairs = run_sql.read_text().split("distinct__dau__quarter as (")[1].split("\n),")[0]
    assert "from base\n" in quarter_pairs and "from source" not in quarter_pairs
    # sums and averages take their week, month and quarter values from their day rows
    sessions_sql = (run_sql.parent / "kpi_measures__sessions.sql").read_text()
    assert "rolled__session_date__days" in sessions_sql and "grouping(period_quarter)" not in sessions_sql
    copy = scratch / "incremental.duckdb"
    shutil.copy(path, copy)
    full = dbt(["run", "--select", "kpis", "--full-refresh"], path, scratch, as_of="2026-11-15")
    assert full.returncode == 0, full.stdout[-3000:]
    return copy, path


def test_incremental_run_equals_full_refresh(incremental_then_full):
    incremental, full = incremental_then_full
    con = duckdb.connect()
    con.execute(f"attach '{incremental}' as incremental (read_only)")
    con.execute(f"attach '{full}' as full_refresh (read_only)")
    tables = [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = 'full_refresh' and schema_name = 'kpis'"
        ).fetchall()
    ]
    assert "kpi_values" in tables and len(tables) > 10
    for table in tables:
        full_rows = _rounded(con.execute(f"select * from full_refresh.kpis.{table}").fetchall())
        incremental_rows = _rounded(con.execute(f"select * from incremental.kpis.{table}").fetchall())
        assert len(full_rows) == len(incremental_rows), table
        assert full_rows == incremental_rows, table


def _rounded(rows: list[tuple]) -> list[tuple]:
    """Rows in a stable order, doubles to 12 significant digits (sums may be added in another order)."""
    rounded = [tuple(float(f"{v:.12g}") if isinstance(v, float) else v for v in row) for row in rows]
    return sorted(rounded, key=repr)


def test_an_incremental_run_writes_comments_only_when_a_description_changed(incremental_then_full, tmp_path):
    incremental, _ = incremental_then_full
    path = tmp_path / "w.duckdb"
    shutil.copy(incremental, path)
    comments = """
        select column_name, comment from duckdb_columns()
        where schema_name = 'kpis' and table_name = 'kpi_measures__users' and column_name in ('grain', 'value')
        order by column_name
    """
    grain = ("grain", "day, week (ISO, Monday), month or quarter.")
    assert query(path, comments) == [grain, ("value", "The metric's value for the period and segment.")]

    unchanged = dbt(["run", "--select", "kpi_measures__users"], path, tmp_path / "unchanged", as_of="2026-11-15")
    assert unchanged.returncode == 0, unchanged.stdout[-2000:]
    log = (tmp_path / "unchanged" / "logs" / "dbt.log").read_text()
    assert 'insert into "w"."kpis"."kpi_measures__users"' in log and "comment on" not in log

    project = copy_project(
        tmp_path / "project", ["dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks"]
    )
    models = project / "models" / "kpis" / "_kpi_measures__models.yml"
    head, users = models.read_text().split("  - name: kpi_measures__users\n")
    old = "description: The metric's value for the period and segment."
    assert old in users, "the mutation no longer applies; update the test"
    models.write_text(head + "  - name: kpi_measures__users\n" + users.replace(old, "description: Value, reworded.", 1))
    changed = dbt(
        ["run", "--select", "kpi_measures__users"], path, tmp_path / "changed", as_of="2026-11-15", project=project
    )
    assert changed.returncode == 0, changed.stdout[-2000:]
    assert query(path, comments) == [grain, ("value", "Value, reworded.")]


def test_a_kpi_model_whose_columns_changed_stops_and_keeps_its_rows(incremental_then_full, tmp_path):
    incremental, _ = incremental_then_full
    path = tmp_path / "w.duckdb"
    shutil.copy(incremental, path)
    con = duckdb.connect(str(path))
    con.execute("alter table kpis.kpi_measures__users drop column denominator")
    rows_before = con.execute("select count(*) from kpis.kpi_measures__users").fetchall()[0][0]
    con.close()

    result = dbt(["run", "--select", "kpi_measures__users"], path, tmp_path, as_of="2026-11-15")

    assert result.returncode != 0
    assert "models/kpis/kpi_measures__users.sql: the model's columns changed (new: denominator)" in result.stdout
    assert "dbt build --full-refresh --select kpi_measures__users" in result.stdout
    assert query(path, "select count(*) from kpis.kpi_measures__users") == [(rows_before,)]
