"""`scorecard score`: validate the specs, evaluate every key result at each as-of date from kpi_values,
and write the history tables. An invalid spec stops the run before the warehouse is touched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date, timedelta
from pathlib import Path

from scorecard.config import warehouse_path
from scorecard.errors import EXIT_INVALID, EXIT_OK, InvalidInput
from scorecard.okrs.catalog import load_catalog
from scorecard.okrs.evaluate import NO_DISTANCE_NOTE, evaluate, load_series, wanted_series
from scorecard.okrs.history import SCHEMA, frozen_baselines, last_good_scores, write
from scorecard.okrs.load import load_specs
from scorecard.okrs.rules import (
    complete_after_deadline,
    direction_against_metric,
    unknown_grain,
    unknown_segment_value,
)
from scorecard.okrs.rules._common import warning
from scorecard.okrs.segments import metric_grains, segment_values
from scorecard.quality.store import read_kpi_statuses
from scorecard.warehouse import (
    connect,
    kpi_tables_behind,
    refuse_default_as_of_before_data,
    require_history_at,
    require_kpi_tables,
    require_warehouse,
    table_exists,
)


def score(
    project_dir: Path,
    as_of_dates: list[date],
    echo,
    *,
    weekly_history: bool = False,
    after_own_build: bool = False,
    lock=nullcontext,
    as_of_defaulted: bool = False,
) -> int:
    """Score every key result at each of ``as_of_dates``, one transaction per date.

    With ``weekly_history`` the missing weekly check-ins of the cycles running at the last date are scored
    first: see ``missing_weekly_dates``. A date after the one the KPI tables were built for is refused,
    unless ``after_own_build`` (`scorecard run`, which has just built and checked its date: where dbt
    skipped kpi_values after a failed test, the checks have marked the KPIs and the key results are held).
    ``lock``: a context manager factory held around the warehouse work (the warehouse lock), taken once the
    specs are known valid. ``as_of_defaulted``: the one date is the command's default, the sample's date,
    which a warehouse holding later data refuses."""
    catalog = load_catalog(project_dir)
    result = load_specs([project_dir / "okrs"], catalog, display_root=project_dir)
    if result.errors:
        for issue in result.errors:
            echo(str(issue), err=True)
        return EXIT_INVALID
    warehouse = warehouse_path(project_dir)
    require_warehouse(warehouse)
    with lock():
        con = connect(warehouse)
        try:
            if as_of_defaulted:
                refuse_default_as_of_before_data(warehouse, max(as_of_dates), con)
            if not after_own_build:
                _require_built_through(con, warehouse, max(as_of_dates, default=None))
            _score_dates(con, warehouse, result.specs, catalog, as_of_dates, echo, weekly_history)
        finally:
            con.close()
    return EXIT_OK


def _score_dates(con, warehouse: Path, specs, catalog, as_of_dates: list[date], echo, weekly_history: bool) -> None:
    if as_of_dates:
        require_history_at(warehouse, min(as_of_dates), con)
    require_kpi_tables(con, warehouse)
    unscorable = complete_after_deadline.check(specs, catalog) + unknown_grain.check(specs, catalog, metric_grains(con))
    for issue in unscorable + unknown_segment_value.check(specs, catalog, segment_values(con)):
        echo(str(issue), err=True)
    wanted = wanted_series(specs, catalog)
    if weekly_history and as_of_dates:
        past = _weekly_history_dates(con, specs, as_of_dates[-1])
        # a week after the data stopped would be scored on data that had stopped, with no check for its
        # date to hold it: a catch-up run after an outage wrote such weeks as good history for good
        last_day = _last_day_with_data(con)
        beyond = [day for day in past if last_day is not None and day > last_day]
        past = [day for day in past if day not in beyond]
        echo(
            f"weekly history: filling in {_weeks(past, 'past week')}"
            if past
            else "weekly history: no past weeks missing"
        )
        if beyond:
            echo(
                f"weekly history: not filling in {_weeks(beyond, 'week')}, after {last_day}, the last day with "
                "data: they would be scored on data that had stopped"
            )
        as_of_dates = [*past, *as_of_dates]
    for as_of in as_of_dates:
        series = load_series(con, wanted, as_of)
        key_results, checkins, objectives = evaluate(
            specs,
            catalog,
            series,
            as_of,
            frozen_baselines(con),
            data_statuses=read_kpi_statuses(con, as_of),
            last_good=last_good_scores(con, as_of),
        )
        write(con, as_of, key_results, checkins, objectives)
        if as_of == as_of_dates[-1]:
            for issue in [
                *_target_at_baseline(specs, key_results),
                *direction_against_metric.against_scored(specs, catalog, key_results),
            ]:
                echo(str(issue), err=True)
        statuses = Counter(row["status"] for row in checkins)
        summary = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
        echo(f"{as_of}: scored {len(checkins)} key results in {len(objectives)} objectives ({summary or 'none'})")


def _weeks(days: list[date], noun: str) -> str:
    """`5 past weeks (2026-10-04 to 2026-11-08)`, or `1 week (2026-11-22)`."""
    if len(days) == 1:
        return f"1 {noun} ({days[0]})"
    return f"{len(days)} {noun}s ({days[0]} to {days[-1]})"


def _last_day_with_data(con) -> date | None:
    """The last day any simple KPI has a value (dau has one every day there is activity); a trailing
    window or a derived metric goes on past the data, so they do not count."""
    rows = con.execute(
        """
        select max(v.period_start)
        from kpis.kpi_values as v
        inner join kpis.kpi_definitions as d on v.metric_name = d.metric_name
        where v.grain = 'day' and v.dimension_name = 'all' and d.metric_type = 'simple' and v.value is not null
        """
    ).fetchall()
    return rows[0][0]


def _require_built_through(con, warehouse: Path, last: date | None) -> None:
    """Stop with exit 2 when a date to score is after the as-of date the KPI tables were built for: every
    key result would be judged on data that ends days before, and a cycle over by then recorded as
    missed for good, with no check saying the data was stale (`scorecard run` for the date builds and
    checks it first)."""
    built = kpi_tables_behind(con, last)
    if built is None:
        return
    raise InvalidInput(
        f"{warehouse}: the KPI tables were built for {built}, before the date to score, {last}; run "
        f"`scorecard run --as-of {last}` to build, check and score that date, or score a date up to {built}"
    )


def _target_at_baseline(specs, key_results: list[dict]):
    """A warning for each key result whose target resolved to its auto baseline (a baseline of 0 under a
    relative target such as +20%): it cannot be scored, and only the data shows it, so lint cannot."""
    stuck = {
        (row["team"], row["cycle"], row["objective_id"], row["key_result_id"]): row["baseline_value"]
        for row in key_results
        if row.get("baseline_source") == "auto"
        and row["baseline_value"] is not None
        and row["baseline_value"] == row["target_value"]
    }
    for loaded in specs:
        for o, objective in enumerate(loaded.spec.objectives):
            for k, key_result in enumerate(objective.key_results):
                baseline = stuck.get((loaded.spec.team, loaded.spec.cycle_name, objective.id, key_result.id))
                if baseline is not None:
                    yield warning(
                        loaded,
                        ("objectives", o, "key_results", k, "target"),
                        "target-at-baseline",
                        f"key result '{key_result.id}': the auto baseline is {baseline:g} and the target "
                        f"{key_result.target} resolves to it, {NO_DISTANCE_NOTE}",
                    )


def weekly_dates(first: date, last: date) -> list[date]:
    days = []
    current = first
    while current <= last:
        days.append(current)
        current += timedelta(days=7)
    return days


# a check-in this many days either side of a weekly date stands for that week (7 days, each in one week)
SAME_WEEK_DAYS = 3


def running_cycle_start(cycles: Iterable[tuple[date, date]], as_of: date) -> date | None:
    """The earliest start among the cycles (start, end) that contain ``as_of``; None if none runs then."""
    starts = [start for start, end in cycles if start <= as_of <= end]
    return min(starts, default=None)


def missing_weekly_dates(as_of: date, earliest: date, existing: Iterable[date]) -> list[date]:
    """The weekly check-in dates before ``as_of`` (as_of - 7, as_of - 14, ... back to ``earliest``) with
    no check-in within SAME_WEEK_DAYS of them, oldest first. ``as_of`` itself is not among them, and a
    date already in ``existing`` is never returned: past check-ins are not rewritten.

    A week already checked in on another weekday keeps its check-in alone: a Wednesday run after weeks
    of Sunday ones filled in the Wednesdays between them, so the next report compared with a check-in
    four days old instead of the week-old one, and re-running a Sunday changed its report."""
    scored = sorted(set(existing))
    days = []
    current = as_of - timedelta(days=7)
    while current >= earliest:
        low, high = current - timedelta(days=SAME_WEEK_DAYS), current + timedelta(days=SAME_WEEK_DAYS)
        if not any(low <= day <= high for day in scored):
            days.append(current)
        current -= timedelta(days=7)
    return days[::-1]


def _weekly_history_dates(con, specs, as_of: date) -> list[date]:
    earliest = running_cycle_start((loaded.spec.cycle_bounds() for loaded in specs), as_of)
    if earliest is None:
        return []
    existing = (
        [day for (day,) in con.execute(f"select distinct as_of from {SCHEMA}.okr_checkins").fetchall()]
        if table_exists(con, SCHEMA, "okr_checkins")
        else []
    )
    return missing_weekly_dates(as_of, earliest, existing)
