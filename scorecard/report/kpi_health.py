"""KPI health for the report: every KPI's latest complete period against its target, its recent
periods, the anomaly check's outcome, the segment that moved most and ARPU's decomposition; and the
North Star's trend. Read from kpi_status, kpi_values, kpi_definitions and dq_results."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

from scorecard.okrs.data_gate import recorded_status
from scorecard.quality.store import read_kpi_statuses
from scorecard.report import model as m
from scorecard.report.queries import finite
from scorecard.report.queries import rows as read_rows
from scorecard.warehouse import table_exists

SPARKLINE_PERIODS = 12
NORTH_STAR_PERIODS = 26
ARPU_FACTORS = ("aov", "orders_per_buyer", "paying_user_share")
MIN_SEGMENT_SHARE = 0.05


def recent_periods(con) -> dict[str, list[m.Point]]:
    """Every KPI's last complete periods at its cadence (one scan serves sparklines and the North Star)."""
    return _cadence_values(con, max(SPARKLINE_PERIODS, NORTH_STAR_PERIODS))


def kpis(con, as_of: date, recent: dict[str, list[m.Point]]) -> list[m.Kpi]:
    status_rows = read_rows(
        con,
        """
        select s.*, d.display from kpis.kpi_status as s
        inner join kpis.kpi_definitions as d using (metric_name)
        order by metric_name
        """,
    )
    anomalies = _anomalies(con, as_of)
    moves = _segment_moves(con)
    decomposition = _arpu_decomposition(con, {r["metric_name"]: r for r in status_rows}.get("arpu"))
    kpis = []
    for row in status_rows:
        name = row["metric_name"]
        kpis.append(
            m.Kpi(
                metric=name,
                label=row["label"] or name,
                owner=row["owner"],
                unit=row["unit"],
                display=row["display"],
                direction=row["direction"],
                cadence=row["cadence"],
                period_start=row["period_start"],
                period_end=row["period_end"],
                value=row["value"],
                target=row["target_value"],
                target_status=row["target_status"] or "no_data",
                prior_value=row["prior_value"],
                absolute_change=row["absolute_change"],
                relative_change=finite(row["relative_change"]),
                trend=row["trend"],
                data_status=row.get("data_status"),
                data_status_reason=row.get("data_status_reason"),
                anomaly=anomalies.get(name),
                moved_most=moves.get(name),
                decomposition=decomposition if name == "arpu" else None,
                sparkline=recent.get(name, [])[-SPARKLINE_PERIODS:],
            )
        )
    return kpis


def _cadence_values(con, periods: int) -> dict[str, list[m.Point]]:
    """The last complete periods of each KPI (total) at its cadence grain, oldest first."""
    rows = read_rows(
        con,
        """
        select * from (
            select v.metric_name, v.period_start, v.period_end, v.value,
                row_number() over (partition by v.metric_name order by v.period_start desc) as periods_back
            from kpis.kpi_values as v
            inner join kpis.kpi_definitions as d on v.metric_name = d.metric_name and v.grain = d.cadence
            where v.dimension_name = 'all' and v.is_complete
        )
        where periods_back <= ?
        order by metric_name, period_start
        """,
        [periods],
    )
    result: dict[str, list[m.Point]] = defaultdict(list)
    for row in rows:
        result[row["metric_name"]].append(
            m.Point(period_start=row["period_start"], period_end=row["period_end"], value=finite(row["value"]))
        )
    return result


def _anomalies(con, as_of: date) -> dict[str, m.Anomaly]:
    if not table_exists(con, "quality", "dq_results"):
        return {}
    rows = read_rows(
        con,
        "select target, status, observed_value, message from quality.dq_results where as_of = ? and kind = 'anomaly'",
        [as_of],
    )
    return {
        row["target"].rsplit(".", 1)[-1]: m.Anomaly(
            status=row["status"], robust_z=finite(row["observed_value"]), message=row["message"]
        )
        for row in rows
    }


def _segment_moves(con) -> dict[str, m.SegmentMove]:
    """Per KPI, the segment whose value changed most (absolute) between the prior and the latest period,
    both complete (an incomplete period is never judged, and its total is shown as no data).

    Segments under MIN_SEGMENT_SHARE of the total are left out: a handful of users swings a ratio by tens
    of points without meaning anything, so a ratio's or an average's segment must hold that share of the
    denominator (the numerator where it has none) in both periods. A simple or cumulative count or amount
    (orders, revenue, DAU, MRR) is sized by its value, its segments adding up to the total, and needs the
    share in either period: a rep falling from 18% of revenue to 4% moved by its own size, not by chance.
    A median, a percentile or a derived KPI has no size and is not filtered."""
    rows = read_rows(
        con,
        f"""
        with values_at_cadence as (
            select v.metric_name, v.dimension_name, v.dimension_value, v.period_start, v.value,
                v.denominator is null and v.numerator is null and d.is_sized_by_value as sized_by_value,
                coalesce(v.denominator, v.numerator, case when sized_by_value then v.value end) as weight
            from kpis.kpi_values as v
            inner join kpis.kpi_definitions as d on v.metric_name = d.metric_name and v.grain = d.cadence
            where v.is_complete
        ),
        segments as (
            select segment.*, abs(segment.weight) >= {MIN_SEGMENT_SHARE} * abs(total.weight) as is_large
            from values_at_cadence as segment
            inner join values_at_cadence as total
                on total.metric_name = segment.metric_name and total.period_start = segment.period_start
                and total.dimension_name = 'all'
            where segment.dimension_name <> 'all'
        )
        select s.metric_name, latest.dimension_name, latest.dimension_value,
            prior.value as prior_value, latest.value, latest.value - prior.value as change
        from kpis.kpi_status as s
        inner join segments as latest
            on latest.metric_name = s.metric_name and latest.period_start = s.period_start
        inner join segments as prior
            on prior.metric_name = s.metric_name and prior.period_start = s.prior_period_start
            and prior.dimension_name = latest.dimension_name and prior.dimension_value = latest.dimension_value
        where latest.value - prior.value is not null and isfinite(latest.value - prior.value)
            and (
                (latest.is_large is null and prior.is_large is null)  -- no size to judge by
                or (latest.sized_by_value and (coalesce(latest.is_large, false) or coalesce(prior.is_large, false)))
                or (not latest.sized_by_value and coalesce(latest.is_large, true) and coalesce(prior.is_large, true))
            )
        qualify row_number() over (
            partition by s.metric_name order by abs(change) desc, latest.dimension_name, latest.dimension_value
        ) = 1
        """,
    )
    return {
        row["metric_name"]: m.SegmentMove(
            dimension=row["dimension_name"],
            segment=row["dimension_value"],
            prior_value=row["prior_value"],
            value=row["value"],
            change=row["change"],
        )
        for row in rows
        if row["change"] != 0
    }


def _arpu_decomposition(con, arpu: dict | None) -> m.ArpuDecomposition | None:
    if arpu is None or arpu["period_start"] is None:
        return None
    rows = con.execute(
        """
        select metric_name, value from kpis.kpi_values
        where metric_name in ('arpu', 'aov', 'orders_per_buyer', 'paying_user_share')
            and grain = ? and period_start = ? and dimension_name = 'all'
        """,
        [arpu["cadence"], arpu["period_start"]],
    ).fetchall()
    values = dict(rows)
    factors = [values.get(name) for name in ARPU_FACTORS]
    return m.ArpuDecomposition(
        period_start=arpu["period_start"],
        period_end=arpu["period_end"],
        aov=factors[0],
        orders_per_buyer=factors[1],
        paying_user_share=factors[2],
        product=None if None in factors else math.prod(factors),
        arpu=values.get("arpu"),
    )


def north_star(con, as_of: date, recent: dict[str, list[m.Point]]) -> m.NorthStar | None:
    rows = read_rows(
        con,
        """
        select o.north_star_metric as metric, s.label, s.unit, d.display, s.cadence, s.target_value,
            o.north_star_value, o.north_star_prior_value, o.north_star_period_end
        from okrs.okr_objectives as o
        inner join kpis.kpi_status as s on o.north_star_metric = s.metric_name
        inner join kpis.kpi_definitions as d on o.north_star_metric = d.metric_name
        where o.as_of = ? and o.north_star_metric is not null
        order by o.aligns_to is not null, o.team
        limit 1
        """,
        [as_of],
    )
    if not rows:
        return None
    row = rows[0]
    trend = [p for p in recent.get(row["metric"], []) if p.period_end <= as_of][-NORTH_STAR_PERIODS:]
    value, prior = row["north_star_value"], row["north_star_prior_value"]
    # the checks of the report's own date, as its key results are gated by: the headline number is the
    # last one that may pass as current on a day its data failed
    checked = recorded_status(read_kpi_statuses(con, as_of), row["metric"], as_of)
    return m.NorthStar(
        metric=row["metric"],
        label=row["label"] or row["metric"],
        unit=row["unit"],
        display=row["display"],
        cadence=row["cadence"],
        value=value,
        prior_value=prior,
        relative_change=None if value is None or not prior else finite(value / prior - 1),
        target=row["target_value"],
        period_end=row["north_star_period_end"],
        data_status=checked.status,
        data_status_reason=checked.reason,
        trend=trend,
    )
