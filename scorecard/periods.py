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


def latest_complete_period(as_of: date, grain: Grain, maturity_days: int = 0) -> date:
    """Start of the latest period of ``grain`` whose end plus ``maturity_days`` is on or before ``as_of``: the
    rule kpi_values uses for ``is_complete``."""
    last_day = as_of - timedelta(days=maturity_days)
    start = period_start(last_day, grain)
    if period_end(start, grain) <= last_day:
        return start
    return period_start(start - timedelta(days=1), grain)


def period_label(start: date, grain: Grain) -> str:
    if grain == "day":
        return start.isoformat()
    if grain == "week":
        return f"week of {start.isoformat()}"
    if grain == "month":
        return f"{start:%Y-%m}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
