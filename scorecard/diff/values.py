"""How much a change moves each KPI: `kpis.kpi_values` compared between the base and head scratch builds.

A definition diff says *what* changed; a reviewer also needs to see *how much* the numbers move. Per metric and
grain this reports how many periods and rows changed, and the row with the largest absolute and the largest
relative change, so a one-line SQL edit that shifts revenue by 30% is not reviewed like a formatting change.

The comparison is a FULL OUTER JOIN on the table's key in one in-memory DuckDB with both files attached read-only,
so neither build is modified and the work stays in SQL however many rows the KPI table has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from scorecard.periods import GRAINS
from scorecard.warehouse import sql_literal

# Relative: values closer than this are equal, so float noise (a sum added up in another order) is no change.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Change:
    """One row's change; None on a side where the row is absent or its value NULL."""

    period_start: date
    dimension_name: str
    dimension_value: str
    before: float | None
    after: float | None


@dataclass(frozen=True)
class MetricGrainChange:
    metric: str
    grain: str
    changed_periods: int  # distinct period_start with any changed row (total or segment)
    changed_rows: int  # rows (any segment) that differ, appear or disappear
    total_periods: int  # distinct period_start of the metric and grain in base or head
    largest_absolute: Change | None  # None when no changed row has a value on both sides
    largest_relative: Change | None  # None when no changed row has a non-zero value in base and a value in head

    def absolute(self) -> float | None:
        """after - before of the largest absolute change."""
        change = self.largest_absolute
        if change is None or change.before is None or change.after is None:
            return None
        return change.after - change.before

    def relative(self) -> float | None:
        """(after - before) / |before| of the largest relative change: positive when the KPI went up."""
        change = self.largest_relative
        if change is None or change.before is None or change.after is None or change.before == 0:
            return None
        return (change.after - change.before) / abs(change.before)


# b's value equals h's (the parameter is TOLERANCE), as described below
_SAME_VALUE = (
    "(b.value is null and h.value is null) or b.value = h.value "
    "or abs(h.value - b.value) <= ? * greatest(abs(b.value), abs(h.value))"
)

# Equal: both NULL, or both present with `b = h` (also covers infinities) or |h - b| <= TOLERANCE * max(|b|, |h|).
# Purely relative with no absolute floor, so 0 vs 0 is equal but 0 vs 1e-300 is a change: a KPI that was zero
# and now is not has changed, however small the new number. NULL vs a number, and a row on one side only, differ.
# Largest changes: only among changed rows with values on both sides; ties go to the total ('all') row, then the
# latest period, then dimension name and value, so the pick is deterministic (hence ordered first() over arg_max).
_SQL = """
with joined as (
    select
        coalesce(b.metric_name, h.metric_name) as metric_name,
        coalesce(b.grain, h.grain) as grain,
        coalesce(b.period_start, h.period_start) as period_start,
        coalesce(b.dimension_name, h.dimension_name) as dimension_name,
        coalesce(b.dimension_value, h.dimension_value) as dimension_value,
        b.value as before,
        h.value as after,
        not coalesce(
            b.present and h.present and (__SAME_VALUE__),
            false
        ) as changed
    from (select *, true as present from base.kpis.kpi_values) as b
    full outer join (select *, true as present from head.kpis.kpi_values) as h
        on b.metric_name = h.metric_name
        and b.grain = h.grain
        and b.period_start = h.period_start
        and b.dimension_name = h.dimension_name
        and b.dimension_value = h.dimension_value
),

measured as (
    select
        *,
        abs(after - before) as absolute_size,
        abs(after - before) / abs(nullif(before, 0)) as relative_size,
        {
            'period_start': period_start,
            'dimension_name': dimension_name,
            'dimension_value': dimension_value,
            'before': before,
            'after': after
        } as change
    from joined
)

select
    metric_name,
    grain,
    count(distinct period_start) filter (where changed) as changed_periods,
    count(*) filter (where changed) as changed_rows,
    count(distinct period_start) as total_periods,
    first(
        change order by absolute_size desc, dimension_name = 'all' desc, period_start desc,
        dimension_name, dimension_value
    ) filter (where changed and absolute_size is not null) as largest_absolute,
    first(
        change order by relative_size desc, dimension_name = 'all' desc, period_start desc,
        dimension_name, dimension_value
    ) filter (where changed and relative_size is not null) as largest_relative
from measured
group by metric_name, grain
having count(*) filter (where changed) > 0
order by metric_name, coalesce(list_position(?, grain), 1000), grain
""".replace("__SAME_VALUE__", _SAME_VALUE)


# A KPI only in base and a KPI only in head whose rows match one for one (the same grains, periods and
# segments, values equal as above): a rename. Equal row counts and every base row matched make the match
# one for one, the key being unique per metric. Only pairs that match no other KPI are a rename.
_RENAMES_SQL = """
with b as (
    select * from base.kpis.kpi_values
    where metric_name not in (select distinct metric_name from head.kpis.kpi_values)
),

h as (
    select * from head.kpis.kpi_values
    where metric_name not in (select distinct metric_name from base.kpis.kpi_values)
),

b_sizes as (select metric_name, count(*) as row_count from b group by metric_name),

h_sizes as (select metric_name, count(*) as row_count from h group by metric_name),

matched as (
    select b.metric_name as base_metric, h.metric_name as head_metric, count(*) as row_count
    from b
    inner join h
        on b.grain = h.grain
        and b.period_start = h.period_start
        and b.dimension_name = h.dimension_name
        and b.dimension_value = h.dimension_value
        and (__SAME_VALUE__)
    inner join b_sizes on b.metric_name = b_sizes.metric_name
    inner join h_sizes on h.metric_name = h_sizes.metric_name and b_sizes.row_count = h_sizes.row_count
    group by b.metric_name, h.metric_name, b_sizes.row_count
    having count(*) = b_sizes.row_count
)

select base_metric, head_metric, row_count
from matched
qualify count(*) over (partition by base_metric) = 1 and count(*) over (partition by head_metric) = 1
order by base_metric
""".replace("__SAME_VALUE__", _SAME_VALUE)


@dataclass(frozen=True)
class Rename:
    base_metric: str
    head_metric: str
    rows: int  # kpi_values rows, the same on both sides


def find_renames(base_db: Path, head_db: Path) -> list[Rename]:
    """KPIs that exist on one side each with the same rows: renamed, their values untouched."""
    rows = _query(base_db, head_db, _RENAMES_SQL, [TOLERANCE])
    return [Rename(base_metric=base, head_metric=head, rows=count) for base, head, count in rows]


def _change(row: dict | None) -> Change | None:
    return None if row is None else Change(**row)


def compare_kpi_values(base_db: Path, head_db: Path) -> list[MetricGrainChange]:
    """Only metric/grain pairs with at least one changed row, sorted by metric then grain (day, week, month,
    quarter; any other grain after those)."""
    rows = _query(base_db, head_db, _SQL, [TOLERANCE, list(GRAINS)])
    return [
        MetricGrainChange(
            metric=metric,
            grain=grain,
            changed_periods=changed_periods,
            changed_rows=changed_rows,
            total_periods=total_periods,
            largest_absolute=_change(largest_absolute),
            largest_relative=_change(largest_relative),
        )
        for metric, grain, changed_periods, changed_rows, total_periods, largest_absolute, largest_relative in rows
    ]


def _query(base_db: Path, head_db: Path, sql: str, parameters: list) -> list[tuple]:
    """``sql`` over both builds, attached read-only as ``base`` and ``head``, so neither is modified."""
    con = duckdb.connect()
    try:
        con.execute(f"attach {sql_literal(base_db)} as base (read_only)")
        con.execute(f"attach {sql_literal(head_db)} as head (read_only)")
        return con.execute(sql, parameters).fetchall()
    finally:
        con.close()
