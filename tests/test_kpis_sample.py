"""KPI properties on the built sample data: the ARPU identity, and incremental runs equal to a full rebuild."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pytest

from scorecard.sample import SampleSpec, generate
from tests.conftest import PROJECT_DIR, SAMPLE_AS_OF, copy_project, dbt, query

pytestmark = pytest.mark.dbt

KEYS = "grain, period_start, dimension_name, dimension_value"


def is_complete(path, metric: str, grain: str, start: str) -> bool:
    """kpi_values.is_complete of a KPI's total for one period."""
    ((flag,),) = query(
        path,
        "select is_complete from kpis.kpi_values where metric_name = ? and grain = ? and period_start = ? "
        "and dimension_name = 'all'",
        [metric, grain, start],
    )
    return flag


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
    no_orders = 0
    for *key, arpu, aov, orders_per_buyer, paying_user_share in rows:
        if aov is None and orders_per_buyer is None:
            # no order in the period and segment: revenue and buyers count 0 (fill_nulls_with), so arpu
            # and the paying-user share are both 0 where anyone was active and both unknown where not
            assert arpu == paying_user_share and arpu in (0.0, None), key
            no_orders += 1
            continue
        if None in (aov, orders_per_buyer, paying_user_share):
            continue
        assert arpu == pytest.approx(aov * orders_per_buyer * paying_user_share, rel=1e-12), key
        checked += 1
    segments = {(key[0], key[2]) for *key, _, _, _, _ in rows}
    assert checked > 1000 and no_orders > 0
    assert {("day", "all"), ("week", "platform"), ("month", "country"), ("quarter", "all")} <= segments


@pytest.fixture(scope="module")
def incremental_then_full(tmp_path_factory):
    """Run as of 2026-11-14, add a day of data, run incrementally as of 2026-11-15, then fully rebuild."""
    scratch = tmp_path_factory.mktemp("incremental")
    path = scratch / "w.duckdb"
    generate(path, SampleSpec(users=3000, as_of=date(2026, 11, 14)))
    first = dbt(["run"], path, scratch, as_of="2026-11-14")  # the models only: dbt's tests prove nothing here
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
    tables = _assert_same_kpi_tables(incremental, full)
    assert "kpi_values" in tables and "kpi_model_state" in tables and len(tables) > 10


def test_a_run_for_an_earlier_date_then_days_later_equals_a_full_refresh(tmp_path):
    # the lookback counted back from the as-of date only: a run days after the last one (a failed day in a
    # schedule) left the days between unbuilt, and one for an earlier date deleted the days after it for
    # good. Built on 11-10; run for 11-08 with data to 11-15; then for 11-15.
    path = tmp_path / "w.duckdb"
    generate(path, SampleSpec(users=3000, as_of=date(2026, 11, 10)))
    assert dbt(["run"], path, tmp_path, as_of="2026-11-10").returncode == 0
    generate(path, SampleSpec(users=3000, as_of=date(2026, 11, 15)))
    for as_of in ("2026-11-08", "2026-11-15"):
        result = dbt(["run"], path, tmp_path, as_of=as_of)
        assert result.returncode == 0, result.stdout[-3000:]
        assert "rebuilding in full" not in result.stdout  # both runs were incremental
    full = tmp_path / "full.duckdb"
    shutil.copy(path, full)
    refreshed = dbt(["run", "--select", "kpis", "--full-refresh"], full, tmp_path / "full", as_of="2026-11-15")
    assert refreshed.returncode == 0, refreshed.stdout[-3000:]
    _assert_same_kpi_tables(path, full)


def _assert_same_kpi_tables(built, full) -> list[str]:
    """Every table of the kpis schema holds the same rows in ``built`` as in ``full``; returns their names."""
    con = duckdb.connect()
    con.execute(f"attach '{built}' as built (read_only)")
    con.execute(f"attach '{full}' as full_refresh (read_only)")
    tables = [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = 'full_refresh' and schema_name = 'kpis'"
        ).fetchall()
    ]
    for table in tables:
        full_rows = _rounded(con.execute(f"select * from full_refresh.kpis.{table}").fetchall())
        built_rows = _rounded(con.execute(f"select * from built.kpis.{table}").fetchall())
        assert len(full_rows) == len(built_rows), table
        assert full_rows == built_rows, table
    con.close()
    return tables


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


NEW_KPI = """
  - name: landing_page_visits
    label: Landing-page visits (KPI)
    description: Landing-page visits, as a KPI of its own.
    type: simple
    type_params:
      measure: landing_visits
    config:
      meta:
        kpi:
          owner: marketing-lead
          unit: count
          direction: higher_is_better
          cadence: week
          dimensions: [visit__visit_channel]
"""


def _editable_copy(built, tmp_path):
    """A copy of the built warehouse and of the project files, for a test to edit and run dbt on."""
    path = tmp_path / "w.duckdb"
    shutil.copy(built, path)
    project = copy_project(
        tmp_path / "project", ["dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks"]
    )
    return path, project


def _assert_equals_a_full_refresh(path, tmp_path, project) -> None:
    """The KPI tables and their records in path are what a full refresh of a copy writes."""
    full = tmp_path / "full.duckdb"
    shutil.copy(path, full)
    rebuilt_whole = dbt(
        ["run", "--select", "kpis", "--full-refresh"], full, tmp_path / "full", as_of="2026-11-15", project=project
    )
    assert rebuilt_whole.returncode == 0, rebuilt_whole.stdout[-3000:]
    assert "kpi_model_state" in _assert_same_kpi_tables(path, full)


def _mutate(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"the mutation no longer applies to {path.name}; update the test"
    path.write_text(text.replace(old, new, 1))


def test_a_run_after_definitions_changed_rebuilds_exactly_the_kpi_tables_they_reach(incremental_then_full, tmp_path):
    path, project = _editable_copy(incremental_then_full[0], tmp_path)
    # a measure's expression: push_return_share's denominator becomes every session
    _mutate(project / "metrics" / "engagement.yml", "expr: case when is_returning_user then 1 else 0 end", "expr: 1")
    # a new KPI on a semantic model that had none of its own: its whole history is needed
    _mutate(project / "metrics" / "acquisition.yml", "\nmetrics:\n", "\nmetrics:\n" + NEW_KPI)
    # an upstream model's file, rebuilt in the same run (a comment only: dbt cannot tell, so the table is rebuilt)
    (project / "models" / "marts" / "fct_support_tickets.sql").write_text(
        (project / "models" / "marts" / "fct_support_tickets.sql").read_text() + "-- reviewed\n"
    )
    # what changes no number: a description, a label, a target
    _mutate(
        project / "metrics" / "engagement.yml",
        "description: One row per user per day with at least one session (fct_user_days).",
        "description: Users' active days.",
    )
    _mutate(project / "metrics" / "engagement.yml", "label: Daily active users", "label: DAU")
    _mutate(project / "metrics" / "engagement.yml", "target: 1300", "target: 1400")
    # a table built before fingerprints were recorded
    con = duckdb.connect(str(path))
    con.execute("delete from kpis.kpi_model_state where model_name = 'kpi_measures__carts'")
    con.close()

    changed = dbt(
        ["run", "--select", "fct_support_tickets", "kpis"],
        path,
        tmp_path / "changed",
        as_of="2026-11-15",
        project=project,
    )
    assert changed.returncode == 0, changed.stdout[-3000:]
    assert _rebuilt_in_full(changed.stdout) == {
        "kpi_measures__sessions",
        "kpi_measures__landing_visits",
        "kpi_measures__support_tickets",
        "kpi_measures__carts",
        "kpi_values",
    }
    assert "kpi_measures__carts: rebuilding in full, since it has no record of the definitions" in changed.stdout
    run_sql = tmp_path / "changed" / "target" / "run" / "scorecard" / "models" / "kpis"
    assert (run_sql / "kpi_measures__user_days.sql").read_text().lstrip().startswith("insert into")
    assert not (run_sql / "kpi_measures__sessions.sql").read_text().lstrip().startswith("insert into")

    _assert_equals_a_full_refresh(path, tmp_path, project)
    weeks = query(
        path,
        "select count(distinct period_start) from kpis.kpi_values "
        "where metric_name = 'landing_page_visits' and grain = 'week'",
    )
    assert weeks[0][0] > 50  # every week of the sample, not only the ones an incremental run recomputes


def _rebuilt_in_full(stdout: str) -> set[str]:
    """The KPI models a run says it rebuilt in full because their definitions changed."""
    return {
        line.split(": rebuilding in full")[0].split()[-1]
        for line in stdout.splitlines()
        if ": rebuilding in full" in line
    }


LEAF_TABLES = {path.stem for path in (PROJECT_DIR / "models" / "kpis").glob("kpi_measures__*.sql")}


def test_a_change_to_a_macro_rebuilds_the_kpi_tables_computed_through_it(incremental_then_full, tmp_path):
    path, project = _editable_copy(incremental_then_full[0], tmp_path)
    # a mart that calls a macro of the project (the file changes too, so its KPI table rebuilds once)
    marker = project / "macros" / "review_marker.sql"
    marker.write_text("{% macro review_marker() %}/* reviewed */{% endmacro %}\n")
    mart = project / "models" / "marts" / "fct_support_tickets.sql"
    mart.write_text(mart.read_text() + "{{ review_marker() }}\n")
    mart_and_kpis = ["run", "--select", "fct_support_tickets", "kpis"]
    first = dbt(mart_and_kpis, path, tmp_path / "first", as_of="2026-11-15", project=project)
    assert first.returncode == 0, first.stdout[-3000:]
    assert _rebuilt_in_full(first.stdout) == {"kpi_measures__support_tickets", "kpi_values"}

    # only the macro's text changes: fct_support_tickets is read by its own KPI table alone
    marker.write_text("{% macro review_marker() %}/* reviewed twice */{% endmacro %}\n")
    second = dbt(mart_and_kpis, path, tmp_path / "second", as_of="2026-11-15", project=project)
    assert second.returncode == 0, second.stdout[-3000:]
    assert _rebuilt_in_full(second.stdout) == {"kpi_measures__support_tickets", "kpi_values"}
    run_sql = tmp_path / "second" / "target" / "run" / "scorecard" / "models" / "kpis"
    assert (run_sql / "kpi_measures__sessions.sql").read_text().lstrip().startswith("insert into")

    # a macro of the KPI compiler that every leaf table is generated by; kpi_values reads them all
    compiler = project / "macros" / "kpi" / "kpi_leaf_values.sql"
    _mutate(
        compiler,
        "{% macro kpi_leaf_values(semantic_model_name) -%}\n",
        "{% macro kpi_leaf_values(semantic_model_name) -%}\n{#- edited -#}\n",
    )
    third = dbt(["run", "--select", "kpis"], path, tmp_path / "third", as_of="2026-11-15", project=project)
    assert third.returncode == 0, third.stdout[-3000:]
    assert len(LEAF_TABLES) == 20
    assert _rebuilt_in_full(third.stdout) == LEAF_TABLES | {"kpi_values"}

    # nothing changed since: every table takes the incremental path again
    fourth = dbt(["run", "--select", "kpis"], path, tmp_path / "fourth", as_of="2026-11-15", project=project)
    assert fourth.returncode == 0, fourth.stdout[-3000:]
    assert _rebuilt_in_full(fourth.stdout) == set()


def test_kpi_tables_follow_the_models_above_them_as_built_not_as_their_files_read(incremental_then_full, tmp_path):
    path, project = _editable_copy(incremental_then_full[0], tmp_path)

    def run(name: str, *select: str):
        result = dbt(["run", "--select", *select], path, tmp_path / name, as_of="2026-11-15", project=project)
        assert result.returncode == 0, result.stdout[-3000:]
        return _rebuilt_in_full(result.stdout)

    # a mart edited but not rebuilt: the warehouse still holds it as it was, so no KPI table changes
    mart = project / "models" / "marts" / "fct_support_tickets.sql"
    mart.write_text(mart.read_text() + "-- reviewed\n")
    assert run("edited", "kpis") == set()
    # rebuilt in another run: the KPI table above it (and kpi_values) rebuild in the next one
    assert run("mart", "fct_support_tickets") == set()
    assert run("after_mart", "kpis") == {"kpi_measures__support_tickets", "kpi_values"}

    # a staging view edited and rebuilt: the marts above it are tables, built from the view as it was
    view = project / "models" / "staging" / "support" / "stg_support__tickets.sql"
    view.write_text(view.read_text() + "-- reviewed\n")
    assert run("view", "stg_support__tickets", "kpis") == set()
    # the marts that read it (fct_support_tickets, fct_user_cohorts) rebuilt with it, in one run
    assert run("downstream", "stg_support__tickets+") == {
        "kpi_measures__support_tickets",
        "kpi_measures__signup_cohorts",
        "kpi_values",
    }

    # the same rows and the same records: what the incremental runs decided is what a full build records
    _assert_equals_a_full_refresh(path, tmp_path, project)


def test_a_run_after_a_full_build_for_the_same_date_changes_no_value_in_its_last_bit(built_sample, tmp_path):
    # the full build summed a month's orders revenue from its rows, an incremental run from its day rows:
    # 15292.76 became 15292.759999999998, and 124 rows, the report and the OKR tables changed on a re-run
    path = tmp_path / "again.duckdb"
    shutil.copy(built_sample["path"], path)
    result = dbt(["run", "--select", "kpis"], path, tmp_path, as_of=SAMPLE_AS_OF)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "rebuilding in full" not in result.stdout  # incremental
    con = duckdb.connect()
    con.execute(f"attach '{built_sample['path']}' as built (read_only)")
    con.execute(f"attach '{path}' as again (read_only)")
    for table in ("kpi_values", "kpi_status"):
        changed = con.execute(
            f"select count(*) from (select * from built.kpis.{table} except all select * from again.kpis.{table})"
        ).fetchall()
        assert changed == [(0,)], table
    ((rows,),) = con.execute("select count(*) from again.kpis.kpi_values where grain = 'month'").fetchall()
    assert rows > 100
    con.close()


def test_a_build_for_an_earlier_date_counts_no_row_dated_after_it(built_sample, tmp_path):
    # data to 11-15 built for 11-08: November's running month took every order to 11-15 (730 orders
    # against the 377 of its own day rows), figures the as-of date could not have known
    path = tmp_path / "earlier.duckdb"
    shutil.copy(built_sample["path"], path)
    result = dbt(["run", "--select", "kpis", "--full-refresh"], path, tmp_path, as_of="2026-11-08")
    assert result.returncode == 0, result.stdout[-3000:]
    ((orders, revenue, buyers, later),) = query(
        path,
        """
        select
            count(*) filter (where order_date <= date '2026-11-08'),
            sum(revenue_amount) filter (where order_date <= date '2026-11-08'),
            count(distinct user_id) filter (where order_date <= date '2026-11-08'),
            count(*) filter (where order_date > date '2026-11-08')
        from marts.fct_orders
        where not is_cancelled and order_date >= date '2026-11-01'
        """,
    )
    assert later > 0, "the test needs orders after the as-of date"

    def november(metric: str, grain: str = "month") -> tuple:
        period = "2026-11-01" if grain == "month" else "2026-10-01"
        return query(
            path,
            "select value, numerator, denominator from kpis.kpi_values where metric_name = ? and grain = ? "
            "and period_start = ? and dimension_name = 'all'",
            [metric, grain, period],
        )[0]

    assert november("orders")[0] == orders
    assert november("order_revenue")[0] == pytest.approx(float(revenue), rel=1e-12)
    assert november("orders_per_buyer")[1:] == (orders, buyers)
    ((days,),) = query(
        path,
        "select sum(value) from kpis.kpi_values where metric_name = 'orders' and grain = 'day' "
        "and dimension_name = 'all' and period_start >= date '2026-11-01'",
    )
    assert days == orders
    # the quarter so far too, from October's first order
    ((quarter,),) = query(
        path,
        "select count(*) from marts.fct_orders where not is_cancelled "
        "and order_date between date '2026-10-01' and date '2026-11-08'",
    )
    assert november("orders", "quarter")[0] == quarter


def test_a_build_for_an_earlier_date_counts_no_day_after_it_in_a_kpi_measured_by_week(built_sample, tmp_path):
    # power_user_share is measured on fct_user_weeks, whose rows are dated by week start: built on data to
    # 11-15 for Wednesday 11-11, the running week took sessions to Sunday 11-15
    path = tmp_path / "earlier.duckdb"
    shutil.copy(built_sample["path"], path)
    result = dbt(["run", "--select", "fct_user_weeks", "kpis", "--full-refresh"], path, tmp_path, as_of="2026-11-11")
    assert result.returncode == 0, result.stdout[-3000:]
    ((power_users, actives, later),) = query(
        path,
        """
        with week as (
            select user_id, sum(sessions) as sessions
            from marts.fct_user_days
            where activity_date between date '2026-11-09' and date '2026-11-11'
            group by user_id
        )
        select
            count(*) filter (where sessions >= 3),
            count(*),
            (select count(*) from marts.fct_user_days where activity_date > date '2026-11-11')
        from week
        """,
    )
    assert later > 0, "the test needs activity after the as-of date"
    ((numerator, denominator, complete),) = query(
        path,
        "select numerator, denominator, is_complete from kpis.kpi_values where metric_name = 'power_user_share' "
        "and grain = 'week' and period_start = date '2026-11-09' and dimension_name = 'all'",
    )
    assert (numerator, denominator, complete) == (power_users, actives, False)


def test_a_month_of_weekly_data_is_complete_once_its_last_week_is_over(built_sample, tmp_path):
    # power_user_share is measured by ISO week (user_weeks); its October holds every week starting in
    # October, the last one 10-26 to 11-01, so on 10-31 (a Saturday) October is not over for it, while
    # for dau, measured by day, it is. Q3 likewise holds the week of 9-28 to 10-04.
    path = tmp_path / "weekly.duckdb"
    shutil.copy(built_sample["path"], path)

    def complete(metric: str, grain: str, start: str) -> bool:
        return is_complete(path, metric, grain, start)

    result = dbt(["run", "--select", "kpis", "--full-refresh"], path, tmp_path, as_of="2026-10-31")
    assert result.returncode == 0, result.stdout[-3000:]
    assert not complete("power_user_share", "month", "2026-10-01")
    assert complete("power_user_share", "week", "2026-10-19")
    assert complete("power_user_share", "quarter", "2026-07-01")  # its last week ended on 10-04
    assert complete("dau", "month", "2026-10-01")
    # the next day the week is over, in an incremental run as in a full one
    result = dbt(["run", "--select", "kpis"], path, tmp_path, as_of="2026-11-01")
    assert result.returncode == 0, result.stdout[-3000:]
    assert complete("power_user_share", "month", "2026-10-01")
    assert complete("feature_adoption_rate", "month", "2026-10-01")
    result = dbt(["run", "--select", "kpis", "--full-refresh"], path, tmp_path, as_of="2026-10-02")
    assert result.returncode == 0, result.stdout[-3000:]
    assert not complete("power_user_share", "quarter", "2026-07-01")
    assert not complete("power_user_share", "month", "2026-09-01")  # September holds the week of 9-28 too
    assert complete("dau", "quarter", "2026-07-01")


def test_stickiness_is_a_share_at_every_grain(built_sample):
    # dau / mau at month grain divided the month's distinct actives by the last day's 28-day actives: up to 178%
    rows = query(
        built_sample["path"],
        "select grain, count(*), min(value), max(value) from kpis.kpi_values "
        "where metric_name = 'stickiness' group by grain order by grain",
    )
    assert [row[0] for row in rows] == ["day", "month", "quarter", "week"]
    for grain, count, low, high in rows:
        assert count > 0 and low > 0 and high <= 1, (grain, low, high)


def test_cac_is_complete_only_once_the_days_ad_spend_has_landed(built_sample):
    # raw.ad_spend is exported at 04:00 for the day before: built on 11-15 (a Sunday), the warehouse has spend
    # to 11-14 only, so the week to 11-15 read a CAC about 14% too good, marked complete
    ((last_spend,),) = query(built_sample["path"], "select max(spend_date) from raw.ad_spend")
    assert last_spend == date(2026, 11, 14)

    def complete(metric: str, grain: str, start: str) -> bool:
        return is_complete(built_sample["path"], metric, grain, start)

    assert complete("cac", "day", "2026-11-14") and not complete("cac", "day", "2026-11-15")
    assert not complete("cac", "week", "2026-11-09") and not complete("ltv_to_cac", "week", "2026-11-09")
    assert complete("orders", "week", "2026-11-09")
    assert complete("cac", "month", "2026-10-01")


def test_kpi_status_takes_the_as_of_dates_calendar_period_even_when_it_has_no_row(built_sample, tmp_path):
    """kpi_status at an earlier as-of date than the build's (what `scorecard check --as-of` rebuilds), with
    one period's row gone: each KPI shows the latest period complete on that date by the calendar (it
    showed the build's latest periods, and the period before a missing one)."""
    path = tmp_path / "status.duckdb"
    shutil.copy(built_sample["path"], path)
    con = duckdb.connect(str(path))
    con.execute(
        "delete from kpis.kpi_values where metric_name = 'deals_won' and grain = 'quarter' "
        "and period_start = '2026-07-01'"
    )
    # a constant series of zeros: no slope, so flat (its direction decided 'improving' or 'worsening')
    con.execute("update kpis.kpi_values set value = 0 where metric_name = 'median_delivery_days'")
    con.close()
    result = dbt(["run", "--select", "kpi_status"], path, tmp_path, as_of="2026-11-08")
    assert result.returncode == 0, result.stdout[-4000:]
    status = {
        row[0]: row[1:]
        for row in query(
            path, "select metric_name, period_start, period_end, target_status, prior_period_start from kpis.kpi_status"
        )
    }
    # dau (day): 11-08 itself; wau (ISO week): 11-02..11-08, over on 11-08; d1_retention (week, cohorts
    # mature after 1 day): the week to 11-01, since the week to 11-08 matures on 11-09; repurchase_rate_90d
    # (month, 90 days): July, whose last cohorts matured on 10-29 (August's only on 11-29)
    assert status["dau"][:2] == (date(2026, 11, 8), date(2026, 11, 8))
    assert status["wau"][:2] == (date(2026, 11, 2), date(2026, 11, 8))
    assert status["d1_retention"][:2] == (date(2026, 10, 26), date(2026, 11, 1))
    assert status["repurchase_rate_90d"][:2] == (date(2026, 7, 1), date(2026, 7, 31))
    # Q3 has no row: no data for Q3, with Q2 as its prior period (it showed Q2 as the latest)
    assert status["deals_won"] == (date(2026, 7, 1), date(2026, 9, 30), "no_data", date(2026, 4, 1))
    assert query(path, "select trend from kpis.kpi_status where metric_name = 'median_delivery_days'") == [("flat",)]


def test_a_weekly_kpis_month_counts_for_status_and_scoring_once_its_last_week_is_over(built_sample, tmp_path):
    """power_user_share is measured by ISO week, so its October holds the week of 10-26 to 11-01. Judged on
    10-31 with data built to 11-15 (a backfill, or `scorecard check --as-of`), October held four days after
    that date: kpi_status showed it, and key results were scored on it."""
    from scorecard.okrs.evaluate import load_series

    path = tmp_path / "weekly.duckdb"
    shutil.copy(built_sample["path"], path)
    project = copy_project(tmp_path / "project", ["dbt_project.yml", "profiles.yml", "models", "metrics", "macros"])
    engagement = project / "metrics" / "engagement.yml"
    head, tail = engagement.read_text().split("  - name: power_user_share\n")
    assert "cadence: week" in tail.split("  - name:")[0], "the mutation no longer applies; update the test"
    engagement.write_text(head + "  - name: power_user_share\n" + tail.replace("cadence: week", "cadence: month", 1))

    def status_period(as_of: str) -> tuple:
        result = dbt(["run", "--select", "kpi_definitions", "kpi_status"], path, tmp_path, as_of=as_of, project=project)
        assert result.returncode == 0, result.stdout[-3000:]
        ((start, end),) = query(
            path, "select period_start, period_end from kpis.kpi_status where metric_name = 'power_user_share'"
        )
        return start, end

    assert status_period("2026-10-31") == (date(2026, 9, 1), date(2026, 9, 30))
    assert status_period("2026-11-01") == (date(2026, 10, 1), date(2026, 10, 31))

    wanted = {("power_user_share", "month", "all", "all"), ("dau", "month", "all", "all")}
    con = duckdb.connect(str(path), read_only=True)
    try:
        on_10_31 = load_series(con, wanted, date(2026, 10, 31))
        on_11_01 = load_series(con, wanted, date(2026, 11, 1))
    finally:
        con.close()

    def last(series, metric):
        period = series[(metric, "month", "all", "all")].periods[-1]
        return period.start, period.complete_on

    assert last(on_10_31, "power_user_share") == (date(2026, 9, 1), date(2026, 10, 4))  # its week of 9-28
    assert last(on_10_31, "dau") == (date(2026, 10, 1), date(2026, 10, 31))  # measured by day
    assert last(on_11_01, "power_user_share") == (date(2026, 10, 1), date(2026, 11, 1))


def test_kpi_status_tells_a_kpi_defined_after_the_checks_from_a_date_never_checked(built_sample, tmp_path):
    from datetime import datetime

    from scorecard.quality.status import DataStatus
    from scorecard.quality.store import write_results

    path = tmp_path / "status.duckdb"
    shutil.copy(built_sample["path"], path)
    kpis = [name for (name,) in query(path, "select metric_name from kpis.kpi_definitions")]
    # the checks for 11-15 gave every KPI then defined a status: all of today's but d1_retention
    statuses = {name: DataStatus("ok", "12 checks passed") for name in kpis if name != "d1_retention"}
    con = duckdb.connect(str(path))
    try:
        write_results(con, date(2026, 11, 15), datetime(2026, 11, 16), [], {}, {}, statuses)
    finally:
        con.close()
    result = dbt(["run", "--select", "kpi_status"], path, tmp_path, as_of=SAMPLE_AS_OF)
    assert result.returncode == 0, result.stdout[-4000:]
    reasons = dict(query(path, "select metric_name, data_status || ': ' || data_status_reason from kpis.kpi_status"))
    assert reasons.pop("d1_retention") == (
        "unknown: the data-quality checks for 2026-11-15 ran before the KPI was defined"
    )
    assert set(reasons.values()) == {"ok: 12 checks passed"} and len(reasons) == len(kpis) - 1
    # a date no check has run for
    result = dbt(["run", "--select", "kpi_status"], path, tmp_path, as_of="2026-11-14")
    assert result.returncode == 0, result.stdout[-4000:]
    reasons = set(query(path, "select data_status, data_status_reason from kpis.kpi_status"))
    assert reasons == {("unknown", "data-quality checks have not run for 2026-11-14")}
    # rebuilt for another date than the build's (what `scorecard check --as-of` does), the rows say which
    assert query(path, "select distinct as_of from kpis.kpi_status") == [(date(2026, 11, 14),)]


def test_a_table_replaced_every_run_follows_a_change_of_its_columns(built_sample, tmp_path):
    # an upgrade added kpi_definitions.is_sized_by_value: every existing warehouse's next run stopped,
    # "the model's columns changed; rebuild it with dbt build --full-refresh", for a table whose rows are
    # all replaced on every run anyway. Here the old shape is made by dropping the column.
    warehouse = tmp_path / "upgraded.duckdb"
    shutil.copy(built_sample["path"], warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute("alter table kpis.kpi_definitions drop column is_sized_by_value")
    con.close()
    result = dbt(["run", "--select", "kpi_definitions"], warehouse, tmp_path, as_of=SAMPLE_AS_OF)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "kpi_definitions: rebuilding in full, since its columns changed" in result.stdout
    assert query(
        warehouse,
        "select metric_name, is_sized_by_value from kpis.kpi_definitions "
        "where metric_name in ('dau', 'aov') order by 1",
    ) == [("aov", False), ("dau", True)]


def test_the_okr_catalog_reads_each_kpis_finest_grain_as_the_compiler_does(built_sample):
    # lint's complete-after-deadline works the grain out from the YAML, the compiler from dbt's graph
    from scorecard.okrs.catalog import load_catalog

    compiled = dict(query(built_sample["path"], "select metric_name, finest_grain from kpis.kpi_definitions"))
    catalog = {name: metric.finest_grain for name, metric in load_catalog(PROJECT_DIR).items()}
    assert catalog == compiled
    assert {name for name, grain in compiled.items() if grain != "day"} >= {"power_user_share", "quota_attainment"}
