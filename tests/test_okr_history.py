"""`scorecard score` on the built sample: idempotent per as-of date, backfills a cycle week by week,
freezes auto baselines, leaves the tables as they were when a run fails or a spec is invalid."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from scorecard.okrs import history
from scorecard.okrs.score import score
from scorecard.report.collect import collect
from tests.conftest import PROJECT_DIR, copy_project, inject, query, scorecard

pytestmark = pytest.mark.dbt


@pytest.fixture
def warehouse(built_sample, tmp_path: Path) -> Path:
    copy = tmp_path / "scored.duckdb"
    shutil.copy(built_sample["path"], copy)
    return copy


def checkins(path: Path, as_of: str | None = None) -> list[tuple]:
    where = f"where as_of = date '{as_of}'" if as_of else ""
    return query(path, f"select * from okrs.okr_checkins {where} order by all")


def test_rescoring_an_as_of_date_gives_identical_rows(warehouse):
    assert scorecard("score", "--as-of", "2026-11-08", warehouse=warehouse).returncode == 0
    first = scorecard("score", "--as-of", "2026-11-15", warehouse=warehouse)
    assert first.returncode == 0, first.stderr
    before = checkins(warehouse)
    objectives = query(warehouse, "select * from okrs.okr_objectives order by all")
    again = scorecard("score", "--as-of", "2026-11-15", warehouse=warehouse)
    assert again.returncode == 0
    assert checkins(warehouse) == before
    assert query(warehouse, "select * from okrs.okr_objectives order by all") == objectives
    assert {row[0] for row in before} == {date(2026, 11, 8), date(2026, 11, 15)}


def test_backfill_builds_the_weekly_history_and_any_week_reruns_identically(warehouse):
    result = scorecard("score", "--backfill", "2026-10-04", "2026-11-15", warehouse=warehouse)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 7
    weeks = [row[0] for row in query(warehouse, "select distinct as_of from okrs.okr_checkins order by 1")]
    assert weeks == [date(2026, 10, 4 + 7 * i) if 4 + 7 * i <= 31 else date(2026, 11, 4 + 7 * i - 31) for i in range(7)]
    everything = checkins(warehouse)
    for week in reversed(weeks):  # re-run every week, latest first: each returns identical rows
        rows = checkins(warehouse, week.isoformat())
        assert rows, week
        assert scorecard("score", "--as-of", week.isoformat(), warehouse=warehouse).returncode == 0
        assert checkins(warehouse, week.isoformat()) == rows
    assert checkins(warehouse) == everything
    # expected progress grows with the calendar
    expected = query(
        warehouse,
        "select as_of, max(expected_progress) from okrs.okr_checkins where team = 'growth' group by 1 order by 1",
    )
    assert [round(e, 4) for _, e in expected] == [round((d - date(2026, 10, 1)).days / 91, 4) for d, _ in expected]
    # growth.yml's checklist milestone says done, done_on 2026-10-20: the weeks before it still had it in
    # progress (score 0; in progress is on track while under 75% of the cycle has passed)
    checklist = query(
        warehouse,
        "select as_of, status, score, projection_note from okrs.okr_checkins where team = 'growth' "
        "and key_result_id = 'checklist' "
        "order by 1",
    )
    assert checklist == [
        (week, "on_track", 0.0, "milestone in progress (done on 2026-10-20)")
        if week < date(2026, 10, 20)
        else (week, "achieved", 1.0, "milestone done")
        for week in weeks
    ]


def test_weekly_history_fills_in_the_missing_weeks_and_never_rewrites_one(warehouse, monkeypatch):
    """What `scorecard run` does in its score step: the as-of date plus the running cycle's missing weeks."""
    assert scorecard("score", "--as-of", "2026-11-01", warehouse=warehouse).returncode == 0
    inject(warehouse, "update okrs.okr_checkins set owner_note = 'scored earlier' where as_of = date '2026-11-01'")
    monkeypatch.setenv("SCORECARD_DUCKDB", str(warehouse))
    lines: list[str] = []
    assert score(PROJECT_DIR, [date(2026, 11, 15)], lines.append, weekly_history=True) == 0
    assert lines[0] == "weekly history: filling in 5 past weeks (2026-10-04 to 2026-11-08)"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "2026-10-04",
        "2026-10-11",
        "2026-10-18",
        "2026-10-25",
        "2026-11-08",
        "2026-11-15",
    ]
    weeks = [row[0] for row in query(warehouse, "select distinct as_of from okrs.okr_checkins order by 1")]
    assert weeks == [date(2026, 10, 4) + timedelta(days=7 * i) for i in range(7)]  # 2026-10-04 .. 2026-11-15
    assert query(warehouse, "select distinct owner_note from okrs.okr_checkins where as_of = date '2026-11-01'") == [
        ("scored earlier",)
    ]
    history_before = checkins(warehouse)
    lines.clear()
    assert score(PROJECT_DIR, [date(2026, 11, 15)], lines.append, weekly_history=True) == 0
    assert lines[0] == "weekly history: no past weeks missing" and len(lines) == 2
    assert checkins(warehouse) == history_before


def test_the_sample_plants_every_status_and_a_breached_guardrail(warehouse):
    assert scorecard("score", "--as-of", "2026-11-15", warehouse=warehouse).returncode == 0
    statuses = {row[0] for row in query(warehouse, "select distinct status from okrs.okr_checkins")}
    assert {"on_track", "at_risk", "off_track", "achieved"} <= statuses
    assert query(
        warehouse,
        "select status, score from okrs.okr_checkins where key_result_id = 'push-guardrail'",
    ) == [("off_track", 0.0)]


def test_auto_baseline_is_frozen_and_restated_data_is_flagged(warehouse):
    assert scorecard("score", "--as-of", "2026-11-08", warehouse=warehouse).returncode == 0
    ((frozen, frozen_on),) = query(
        warehouse,
        "select baseline_value, baseline_frozen_on from okrs.okr_key_results where key_result_id = 'mrr-growth'",
    )
    assert frozen is not None and frozen_on == date(2026, 11, 8)
    con = duckdb.connect(str(warehouse))
    con.execute(
        """
        update kpis.kpi_values set value = value * 1.5
        where metric_name = 'mrr' and grain = 'month' and dimension_name = 'all' and period_start = date '2026-09-01'
        """
    )
    con.close()
    assert scorecard("score", "--as-of", "2026-11-15", warehouse=warehouse).returncode == 0
    assert query(
        warehouse,
        "select baseline, baseline_drift from okrs.okr_checkins where key_result_id = 'mrr-growth' order by as_of",
    ) == [(frozen, False), (frozen, True)]


def test_an_auto_baseline_written_as_a_number_and_back_is_frozen_anew(warehouse, tmp_path: Path):
    # auto, then 4000 written in the spec, then auto again: the written 4000 came back as the "frozen auto
    # baseline" (flagged as drift), and baseline_frozen_on stayed set while the baseline was written
    project = copy_project(tmp_path / "project")
    company = project / "okrs" / "company.yml"
    auto = company.read_text()
    written = auto.replace(
        "        metric: mrr\n        baseline: auto\n", "        metric: mrr\n        baseline: 4000\n"
    )
    assert written != auto

    def score_on(day: str) -> None:
        result = scorecard("--project-dir", str(project), "score", "--as-of", day, warehouse=warehouse, cwd=project)
        assert result.returncode == 0, result.stderr

    def recorded() -> tuple:
        return query(
            warehouse,
            "select baseline_value, baseline_source, baseline_frozen_on from okrs.okr_key_results "
            "where key_result_id = 'mrr-growth'",
        )[0]

    score_on("2026-11-01")
    frozen, _, frozen_on = recorded()
    assert frozen_on == date(2026, 11, 1)
    company.write_text(written)
    score_on("2026-11-08")
    assert recorded() == (4000.0, "spec", None)  # a written baseline is frozen on no day
    company.write_text(auto)
    score_on("2026-11-15")
    score_on("2026-11-15")  # the second run reads what the first one froze
    assert recorded() == (frozen, "auto", date(2026, 11, 15))
    assert query(
        warehouse,
        "select as_of, baseline, baseline_drift from okrs.okr_checkins where key_result_id = 'mrr-growth' order by 1",
    ) == [(date(2026, 11, 1), frozen, False), (date(2026, 11, 8), 4000.0, None), (date(2026, 11, 15), frozen, False)]


def test_a_failed_write_leaves_the_tables_as_they_were(warehouse):
    assert scorecard("score", "--as-of", "2026-11-15", warehouse=warehouse).returncode == 0
    before = checkins(warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        bad = {name: None for name in history.CHECKINS} | {"as_of": date(2026, 11, 15), "current_value": "not a number"}
        with pytest.raises(duckdb.Error):
            history.write(con, date(2026, 11, 15), [], [bad], [])
    finally:
        con.close()
    assert checkins(warehouse) == before


def test_an_invalid_spec_writes_nothing(warehouse, tmp_path: Path):
    project = copy_project(tmp_path / "project")
    broken = project / "okrs" / "growth.yml"
    broken.write_text(broken.read_text().replace("metric: d1_retention", "metric: d1_retentoin"))
    result = scorecard("--project-dir", str(project), "score", warehouse=warehouse)
    assert result.returncode == 2
    assert "okrs/growth.yml:" in result.stderr and "unknown metric 'd1_retentoin'" in result.stderr
    assert query(warehouse, "select count(*) from information_schema.tables where table_schema = 'okrs'") == [(0,)]


def test_scoring_without_a_warehouse_or_before_the_kpis_exist_is_a_clear_error(tmp_path: Path):
    missing = tmp_path / "nowhere" / "w.duckdb"
    result = scorecard("score", warehouse=missing)
    assert result.returncode == 2 and result.stderr.strip() == (
        f"scorecard: error: {missing}: warehouse not found (run `scorecard run` or `make run` first)"
    )
    assert not missing.parent.exists()  # neither the file, its lock nor its folder was made
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = scorecard("score", warehouse=empty)
    assert result.returncode == 2
    assert "no kpis.kpi_values yet" in result.stderr and "Traceback" not in result.stderr


def test_a_segment_value_the_warehouse_never_saw_is_named_by_lint_and_score(warehouse, tmp_path: Path):
    project = copy_project(tmp_path / "project")
    growth = project / "okrs" / "growth.yml"
    text = growth.read_text()
    growth.write_text(
        text.replace("        target: 45%\n", "        target: 45%\n        segment: {platform: andriod}\n", 1)
    )
    warned = (
        "okrs/growth.yml:16: objectives.0.key_results.0.segment.platform: warning: no platform 'andriod' in "
        "kpis.kpi_values for 'd1_retention' (values there: android, ios, web) (did you mean 'android'?): this key "
        "result scores no_data"
    )
    linted = scorecard("--project-dir", str(project), "lint", "--strict", warehouse=warehouse, cwd=project)
    assert linted.returncode == 1 and linted.stdout.strip() == warned, linted.stdout
    scored = scorecard("--project-dir", str(project), "score", warehouse=warehouse, cwd=project)
    assert scored.returncode == 0 and scored.stderr.strip() == warned, scored.stderr
    status = query(warehouse, "select status from okrs.okr_checkins where key_result_id = 'd1-retention'")
    assert status == [("no_data",)]
    # a value the warehouse has is no warning
    growth.write_text(
        text.replace("        target: 45%\n", "        target: 45%\n        segment: {platform: android}\n", 1)
    )
    assert (
        scorecard("--project-dir", str(project), "lint", "--strict", warehouse=warehouse, cwd=project).returncode == 0
    )


def test_a_grain_the_metric_is_not_computed_at_is_named_by_lint_and_score(warehouse, tmp_path: Path):
    # quotas are quarterly, so quota_attainment exists at quarter grain only: a weekly key result on it
    # scored no_data all cycle, and lint passed it clean
    project = copy_project(tmp_path / "project")
    sales = project / "okrs" / "sales.yml"
    text = sales.read_text()
    assert "        metric: quota_attainment\n" in text
    sales.write_text(
        text.replace("        metric: quota_attainment\n", "        metric: quota_attainment\n        grain: week\n")
    )
    _assert_lint_and_score_warn(
        project,
        warehouse,
        "okrs/sales.yml:",
        ".grain: warning: kpis.kpi_values has 'quota_attainment' at quarter only, not at week: this key result "
        "scores no_data",
    )


def _assert_lint_and_score_warn(project: Path, warehouse: Path, file: str, ending: str) -> None:
    """`lint --strict` finds one warning, in ``file`` and ending so, and `score` prints the same line."""
    linted = scorecard("--project-dir", str(project), "lint", "--strict", warehouse=warehouse, cwd=project)
    assert linted.returncode == 1
    (line,) = linted.stdout.strip().splitlines()
    assert line.startswith(file) and line.endswith(ending), line
    scored = scorecard("--project-dir", str(project), "score", warehouse=warehouse, cwd=project)
    assert scored.returncode == 0 and scored.stderr.strip() == line


def test_a_metric_the_warehouse_has_not_built_yet_is_named_by_lint_and_score(warehouse, tmp_path: Path):
    # a KPI added to metrics/ since the last build has no kpi_values rows: its key results scored no_data
    # all along, exit 0, and lint passed them clean. Here wau's rows are taken out of a built warehouse.
    con = duckdb.connect(str(warehouse))
    con.execute("delete from kpis.kpi_values where metric_name = 'wau'")
    con.close()
    project = copy_project(tmp_path / "project")
    _assert_lint_and_score_warn(
        project,
        warehouse,
        "okrs/company.yml:",
        ": warning: kpis.kpi_values has no rows for 'wau' (a KPI added since the warehouse was last built, or one "
        "with no data): this key result scores no_data until `scorecard run` builds it",
    )
    ((status,),) = query(
        warehouse, "select distinct status from okrs.okr_checkins where key_result_id = 'weekly-actives'"
    )
    assert status == "no_data"


def test_moving_the_goalposts_is_flagged_against_the_recorded_history(warehouse, tmp_path: Path):
    assert scorecard("score", "--as-of", "2026-11-15", warehouse=warehouse).returncode == 0
    project = copy_project(tmp_path / "project")
    growth = project / "okrs" / "growth.yml"
    growth.write_text(growth.read_text().replace("        target: 45%", "        target: 40%"))
    result = scorecard("--project-dir", str(project), "lint", "--strict", str(project / "okrs"), warehouse=warehouse)
    assert result.returncode == 1
    assert result.stdout.strip().endswith(
        "objectives.0.key_results.0.target: warning: target changed from 0.45 to 0.4 after the cycle started: "
        "moving the goalposts"
    )


def test_the_week_straddling_the_cycle_start_counts_for_the_guardrail(warehouse):
    # 2026-10-04 is the first Sunday of the Q4 cycle (starting Thursday 10-01): the only week ending
    # inside the cycle so far is 09-28..10-04, the guardrail's current period and its one period so far
    assert scorecard("score", "--as-of", "2026-10-04", warehouse=warehouse).returncode == 0
    ((start, end, value, note),) = query(
        warehouse,
        """
        select current_period_start, current_period_end, current_value, projection_note from okrs.okr_checkins
        where key_result_id = 'push-guardrail' and as_of = date '2026-10-04'
        """,
    )
    assert (start, end) == (date(2026, 9, 28), date(2026, 10, 4))
    # okrs/retention.yml: push_return_share at most 30%
    assert note == f"inside the band in {int(value <= 0.30)} of 1 periods"


def _with_repurchase_key_result(tmp_path: Path):
    """The sample project with a 90-day repurchase key result with an auto baseline (the sample leaves it
    out, since no month of it is complete inside the quarter), and a `scorecard score` on it."""
    project = copy_project(tmp_path / "project")
    company = project / "okrs" / "company.yml"
    text = company.read_text()
    anchor = "        initiatives: [Loyalty drive at checkout, Member-only delivery slots]\n"
    assert anchor in text
    company.write_text(
        text.replace(
            anchor,
            anchor + "      - id: repurchase-90d\n        metric: repurchase_rate_90d\n        baseline: auto\n"
            "        target: +10pp\n",
        )
    )

    def score(warehouse: Path, *args: str):
        result = scorecard("--project-dir", str(project), "score", *args, warehouse=warehouse, cwd=project)
        assert result.returncode == 0, result.stderr
        assert "repurchase_rate_90d' has no month to score before 2027-01-29" in result.stderr
        return result

    return score


def test_a_cohort_maturing_after_the_baseline_froze_is_not_restated_data(warehouse, tmp_path: Path):
    # repurchase_rate_90d matures 90 days after a month ends: on 10-04 the last complete month before
    # the cycle is June; July matures on 10-29 (07-31 + 90 days). Nothing is restated in between.
    score = _with_repurchase_key_result(tmp_path)
    score(warehouse, "--as-of", "2026-10-04")
    score(warehouse, "--as-of", "2026-11-15")
    months = dict(
        query(
            warehouse,
            """
            select period_start, value from kpis.kpi_values
            where metric_name = 'repurchase_rate_90d' and grain = 'month' and dimension_name = 'all'
                and period_start in (date '2026-06-01', date '2026-07-01')
            """,
        )
    )
    june, july = months[date(2026, 6, 1)], months[date(2026, 7, 1)]
    assert abs(july - june) > 0.01 * june, "the test needs July to differ from June by more than the tolerance"
    assert query(
        warehouse,
        "select as_of, baseline, baseline_drift from okrs.okr_checkins where key_result_id = 'repurchase-90d' "
        "order by as_of",
    ) == [(date(2026, 10, 4), june, False), (date(2026, 11, 15), june, False)]


def test_a_backfill_before_the_freeze_does_not_take_an_unripe_period_for_restated_data(warehouse, tmp_path: Path):
    # frozen on 11-15 at July's 90-day repurchase rate (mature since 10-29); on 10-04 July was not mature
    # yet, so the recomputed value was June's and every backfilled week before the 29th flagged drift
    score = _with_repurchase_key_result(tmp_path)
    score(warehouse, "--as-of", "2026-11-15")
    score(warehouse, "--backfill", "2026-10-04", "2026-10-25")
    rows = query(
        warehouse,
        "select as_of, baseline, baseline_drift from okrs.okr_checkins where key_result_id = 'repurchase-90d' "
        "order by as_of",
    )
    (frozen,) = {baseline for _, baseline, _ in rows}
    assert [(day, drift) for day, _, drift in rows] == [
        (date(2026, 10, 4), None),
        (date(2026, 10, 11), None),
        (date(2026, 10, 18), None),
        (date(2026, 10, 25), None),
        (date(2026, 11, 15), False),
    ], frozen


def test_weekly_history_is_not_filled_in_after_the_data_stopped(warehouse, monkeypatch):
    # a catch-up run for 12-06 on data that stopped on 11-15 (an ingestion outage) wrote check-ins for 11-22
    # and 11-29 from that data with data status unknown, as good history for good; the held 12-06 check-in
    # then took its score from 11-29
    monkeypatch.setenv("SCORECARD_DUCKDB", str(warehouse))
    lines: list[str] = []
    assert score(PROJECT_DIR, [date(2026, 12, 6)], lines.append, weekly_history=True, after_own_build=True) == 0
    assert lines[:2] == [
        "weekly history: filling in 7 past weeks (2026-10-04 to 2026-11-15)",
        "weekly history: not filling in 2 weeks (2026-11-22 to 2026-11-29), after 2026-11-15, the last day "
        "with data: they would be scored on data that had stopped",
    ]
    weeks = [row[0] for row in query(warehouse, "select distinct as_of from okrs.okr_checkins order by 1")]
    assert weeks == [date(2026, 10, 4) + timedelta(days=7 * i) for i in range(7)] + [date(2026, 12, 6)]


def test_a_date_after_the_kpi_tables_build_is_not_scored(warehouse, monkeypatch):
    # the KPI tables were built for 2026-11-15: scored on 2027-01-10, every Q4 key result was recorded as
    # missed for good (exit 0, data status unknown), judged on data that stops seven weeks before
    assert scorecard("score", "--as-of", "2026-11-15", warehouse=warehouse).returncode == 0
    result = scorecard("score", "--as-of", "2027-01-10", warehouse=warehouse)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        f"scorecard: error: {warehouse}: the KPI tables were built for 2026-11-15, before the date to score, "
        "2027-01-10; run `scorecard run --as-of 2027-01-10` to build, check and score that date, or score a "
        "date up to 2026-11-15"
    ]
    assert query(warehouse, "select distinct as_of from okrs.okr_checkins") == [(date(2026, 11, 15),)]
    # a backfill reaching past the build is refused whole, before any date is written
    backfill = scorecard("score", "--backfill", "2026-11-08", "2026-11-22", warehouse=warehouse)
    assert backfill.returncode == 2 and "built for 2026-11-15, before the date to score, 2026-11-22" in backfill.stderr
    assert query(warehouse, "select distinct as_of from okrs.okr_checkins") == [(date(2026, 11, 15),)]
    # `scorecard run` scores its date after its own build: where dbt skipped kpi_values (a failed test
    # upstream) the checks have marked the KPIs and the key results are held; the run is not refused (it
    # stopped with exit 2 and no reports on any such day)
    monkeypatch.setenv("SCORECARD_DUCKDB", str(warehouse))
    assert score(PROJECT_DIR, [date(2026, 11, 22)], lambda *_, **__: None, after_own_build=True) == 0
    assert query(warehouse, "select max(as_of) from okrs.okr_checkins") == [(date(2026, 11, 22),)]


def test_an_as_of_date_past_the_data_never_scores_the_partly_observed_period(warehouse):
    # a warehouse built before the KPI tables recorded their as-of date is not refused a later date: the
    # sample's data ends on 2026-11-15, so scored on 2027-01-10 November and Q4 are over by the calendar
    # but only partly in the data, and no key result may take them for its current value
    con = duckdb.connect(str(warehouse))
    con.execute("delete from kpis.kpi_model_state where model_name = 'kpi_values as_of'")
    con.close()
    assert scorecard("score", "--as-of", "2027-01-10", warehouse=warehouse).returncode == 0
    ends = query(
        warehouse,
        "select grain, max(current_period_end) from okrs.okr_checkins where current_period_end is not null "
        "group by 1 order by 1",
    )
    assert {grain for grain, _ in ends} >= {"month", "week"}
    assert all(end <= date(2026, 11, 15) for _, end in ends), ends


LAST_QUARTER = """cycle: 2026-Q3
team: growth-q3
owner: growth-lead
objectives:
  - id: summer
    title: A busy summer
    owner: growth-lead
    key_results:
      - id: wau-up
        title: Weekly active users to 4000
        metric: wau
        baseline: 2000
        target: 4000
      - id: push-guard
        title: Push-driven returns at most 30%
        type: guardrail
        metric: push_return_share
        threshold: 30%
        direction: at_most
"""


def test_an_ended_cycle_is_scored_on_its_own_periods(warehouse, tmp_path: Path):
    # Q3 ended on 09-30: scored on 11-15 it took the week ending 11-15 for its current value and counted
    # the guardrail over every week since 07-01, so last quarter's final score changed every day
    project = copy_project(tmp_path / "project")
    (project / "okrs" / "growth-q3.yml").write_text(LAST_QUARTER)
    result = scorecard("--project-dir", str(project), "score", "--as-of", "2026-11-15", warehouse=warehouse)
    assert result.returncode == 0, result.stderr
    rows = dict(
        (kr, (end, value, note))
        for kr, end, value, note in query(
            warehouse,
            "select key_result_id, current_period_end, current_value, projection_note from okrs.okr_checkins "
            "where team = 'growth-q3'",
        )
    )
    weekly = "from kpis.kpi_values where grain = 'week' and dimension_name = 'all' and metric_name = "
    ((last_q3_week,),) = query(warehouse, f"select value {weekly} 'wau' and period_end = date '2026-09-27'")
    assert rows["wau-up"][:2] == (date(2026, 9, 27), last_q3_week)  # the last week ending inside Q3
    q3_weeks = [
        value
        for (value,) in query(
            warehouse, f"select value {weekly} 'push_return_share' and period_end between '2026-07-01' and '2026-09-30'"
        )
    ]
    assert len(q3_weeks) == 13  # the Sundays from 07-05 to 09-27
    assert rows["push-guard"][0] == date(2026, 9, 27)
    assert rows["push-guard"][2] == f"inside the band in {sum(v <= 0.30 for v in q3_weeks)} of 13 periods"
    # and the report charts the periods it was scored on: the baseline week, then Q3's 13
    assert _charted_q3_weeks(warehouse) == {"wau-up": 14, "push-guard": 14}


def _charted_q3_weeks(warehouse: Path) -> dict[str, int]:
    """How many weeks the 11-15 report charts for each growth-q3 key result, checked to be consecutive
    Sundays from the baseline week ending 06-28."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        report = collect(con, date(2026, 11, 15), datetime(2026, 11, 16))
    (summer,) = [objective for objective in report.objectives if objective.team == "growth-q3"]
    charted = {}
    for key_result in summer.key_results:
        ends = [point.period_end for point in key_result.values]
        assert ends == [date(2026, 6, 28) + timedelta(weeks=i) for i in range(len(ends))], key_result.id
        charted[key_result.id] = len(ends)
    return charted


def test_a_relative_target_on_an_auto_baseline_of_zero_is_a_warning_naming_the_line(warehouse, tmp_path: Path):
    # smart lists launched on 2026-10-05, so the last week before the cycle adopted 0%: +20% of 0 is 0,
    # which only the data shows (lint passes), and the report must not show a projection to a target of 0
    project = copy_project(tmp_path / "project")
    product = project / "okrs" / "product.yml"
    text = product.read_text()
    changed = text.replace(
        "        baseline: 25%\n        target: 60%\n", "        baseline: auto\n        target: +20%\n"
    )
    assert changed != text and changed.splitlines()[14] == "        target: +20%"
    product.write_text(changed)
    result = scorecard(
        "--project-dir", str(project), "score", "--as-of", "2026-11-15", warehouse=warehouse, cwd=project
    )
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "smart-lists-adoption" in line]
    assert line.startswith("okrs/product.yml:15: objectives.0.key_results.0.target: warning:")
    assert "the auto baseline is 0 and the target +20% resolves to it, so there is no progress" in line
    assert query(
        warehouse,
        "select c.status, c.current_value > 0, c.projection, c.hit_probability, k.direction "
        "from okrs.okr_checkins as c join okrs.okr_key_results as k using (team, cycle, objective_id, key_result_id) "
        "where key_result_id = 'smart-lists-adoption'",
    ) == [("no_data", True, None, None, "increase")]


def test_a_key_result_due_before_its_cycle_ends_is_scored_and_charted_to_its_deadline(warehouse, tmp_path: Path):
    project = copy_project(tmp_path / "project")
    due = LAST_QUARTER.replace("        target: 4000\n", "        target: 4000\n        deadline: 2026-08-30\n")
    due = due.replace("        direction: at_most\n", "        direction: at_most\n        deadline: 2026-08-30\n")
    assert due.count("deadline: 2026-08-30") == 2
    (project / "okrs" / "growth-q3.yml").write_text(due)
    result = scorecard("--project-dir", str(project), "score", "--as-of", "2026-11-15", warehouse=warehouse)
    assert result.returncode == 0, result.stderr
    rows = {
        kr: (end, note)
        for kr, end, note in query(
            warehouse,
            "select key_result_id, current_period_end, projection_note from okrs.okr_checkins where team = 'growth-q3'",
        )
    }
    # the Sundays from 07-05 to 08-30: nine weeks, the last one ending on the deadline
    assert rows["wau-up"][0] == date(2026, 8, 30) and rows["push-guard"][0] == date(2026, 8, 30)
    assert rows["push-guard"][1].endswith(" of 9 periods")
    # the baseline week, then the nine it was scored on
    assert _charted_q3_weeks(warehouse) == {"wau-up": 10, "push-guard": 10}
