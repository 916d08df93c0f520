"""The calendar periods KPIs are computed at, in Python: the same boundaries kpi_values holds (ISO weeks
start on Monday; months and quarters are calendar ones), for the code that reasons about periods without
querying them."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Literal

Grain = Literal["day", "week", "month", "quarter"]

GRAINS: tuple[Grain, ...] = ("day", "week", "month", "quarter")  # finest first
DAYS_PER_WEEK = 7


def period_start(day: date, grain: Grain) -> date:
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    first_month = day.month if grain == "month" else 3 * ((day.month - 1) // 3) + 1
    return date(day.year, first_month, 1)


def period_end(start: date, grain: Grain) -> date:
    if grain == "day":
        return start
    if grain == "week":
        return start + timedelta(days=DAYS_PER_WEEK - 1)
    last_month = start.month if grain == "month" else start.month + 2
    return date(start.year, last_month, calendar.monthrange(start.year, last_month)[1])


def period_index(start: date, grain: Grain) -> int:
    """Consecutive integers for consecutive periods of ``grain``."""
    if grain == "day":
        return start.toordinal()
    if grain == "week":
        return start.toordinal() // DAYS_PER_WEEK
    months = start.year * 12 + start.month - 1
    return months if grain == "month" else months // 3


def data_end(start: date, grain: Grain, finest_grain: Grain = "day") -> date:
    """The last day whose data the period's value holds: its end, except for a KPI measured by ISO week
    (``finest_grain`` week), whose month or quarter holds every week starting in it, as MetricFlow rolls
    weeks up, so November 2026 holds the week of 11-30 to 12-06."""
    end = period_end(start, grain)
    if finest_grain == "week" and grain in ("month", "quarter"):
        return period_end(period_start(end, "week"), "week")
    return end


# data_end() in SQL, over kpis.kpi_values as v joined to kpis.kpi_definitions as d (the macro kpi_data_end
# is the same rule in dbt)
DATA_END_SQL = (
    "case when d.finest_grain = 'week' and v.grain in ('month', 'quarter') "
    "then cast(date_trunc('week', v.period_end) as date) + 6 else v.period_end end"
)
# The day such a period became complete: the last day its data covers plus its cohorts' maturity.
COMPLETE_ON = f"cast(({DATA_END_SQL}) + coalesce(d.maturity_days, 0) as date)"
# The periods complete at an as-of date (the one parameter), as the key results are scored on them and the
# report charts them: complete then, and at the data's own as-of (is_complete), so an as-of date past the
# data never takes the period the data ends in for a finished one.
COMPLETE_PERIOD = f"{COMPLETE_ON} <= ? and v.is_complete"


def latest_complete_period(as_of: date, grain: Grain, maturity_days: int = 0, finest_grain: Grain = "day") -> date:
    """Start of the latest period of ``grain`` whose data end plus ``maturity_days`` is on or before ``as_of``:
    the rule kpi_values uses for ``is_complete``."""
    last_day = as_of - timedelta(days=maturity_days)
    start = period_start(last_day, grain)
    while data_end(start, grain, finest_grain) > last_day:
        start = period_start(start - timedelta(days=1), grain)
    return start


def period_label(start: date, grain: Grain) -> str:
    if grain == "day":
        return start.isoformat()
    if grain == "week":
        return f"week of {start.isoformat()}"
    if grain == "month":
        return f"{start:%Y-%m}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
