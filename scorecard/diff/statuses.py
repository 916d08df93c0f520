"""Which KPIs a change moves against their targets: `kpis.kpi_status` compared between the base and head
scratch builds.

The values comparison says how far the numbers move; a reviewer also needs to know when a KPI's tile turns
from on target to off target, whether the value moved or the target did (a KPI target is no change to any
value, so it would otherwise pass unseen). A KPI counts when its target status, target or period differs,
or it is a KPI on one side only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from scorecard.diff.values import TOLERANCE
from scorecard.warehouse import sql_literal


@dataclass(frozen=True)
class StatusChange:
    """One KPI's row of kpi_status on each side; the base's or head's fields are None where it is no KPI."""

    metric: str
    cadence: str  # head's, else base's
    period_start: date | None  # head's, else base's
    base_cadence: str | None
    base_period_start: date | None
    base_value: float | None
    head_value: float | None
    base_target: float | None
    head_target: float | None
    base_status: str | None
    head_status: str | None


# Targets compare like values (values.TOLERANCE, relative), so rewriting 0.3 as 30% is no change.
_SQL = """
select
    coalesce(h.metric_name, b.metric_name) as metric,
    coalesce(h.cadence, b.cadence) as cadence,
    coalesce(h.period_start, b.period_start) as period_start,
    b.cadence,
    b.period_start,
    b.value, h.value, b.target_value, h.target_value, b.target_status, h.target_status
from base.kpis.kpi_status as b
full outer join head.kpis.kpi_status as h on b.metric_name = h.metric_name
where
    b.metric_name is null
    or h.metric_name is null
    or b.target_status <> h.target_status
    or b.cadence <> h.cadence
    or b.period_start is distinct from h.period_start
    or (b.target_value is null) <> (h.target_value is null)
    or abs(h.target_value - b.target_value) > ? * greatest(abs(b.target_value), abs(h.target_value))
order by metric
"""


def compare_kpi_status(base_db: Path, head_db: Path) -> list[StatusChange]:
    """The KPIs whose status row differs in target status, target, cadence or period, sorted by name."""
    con = duckdb.connect()
    try:
        con.execute(f"attach {sql_literal(base_db)} as base (read_only)")
        con.execute(f"attach {sql_literal(head_db)} as head (read_only)")
        rows = con.execute(_SQL, [TOLERANCE]).fetchall()
    finally:
        con.close()
    return [StatusChange(*row) for row in rows]
