"""Read one as-of date's report content from the warehouse tables (the same tables BI tools read):
objectives and key results from the okr_* history, the data-quality summary from dq_results, and the
KPI health and North Star from kpi_health.

Everything here is a read: kpi_status, kpi_values and kpi_definitions (kpis), the okr_* history
(okrs) and dq_results (quality). The aggregation happens in DuckDB; Python only arranges rows.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, datetime

import duckdb

from scorecard.errors import StepFailed
from scorecard.periods import COMPLETE_PERIOD
from scorecard.report import kpi_health
from scorecard.report import model as m
from scorecard.report.diagnosis import diagnose
from scorecard.report.queries import rows as _rows
from scorecard.warehouse import table_exists

_NOT_IN_ID = re.compile(r"[^A-Za-z0-9_-]+")
PROBLEM_ORDER = {"fail": 0, "error": 1, "warn": 2, "skipped": 3}


def collect(con: duckdb.DuckDBPyConnection, as_of: date, generated_at: datetime) -> m.Report:
    for schema, table in [("kpis", "kpi_status"), ("kpis", "kpi_values"), ("okrs", "okr_checkins")]:
        if not table_exists(con, schema, table):
            raise StepFailed(f"no {schema}.{table} in the warehouse yet; run `scorecard run` first")
    previous = _previous_check_in(con, as_of)
    recent = kpi_health.recent_periods(con)
    kpis = kpi_health.kpis(con, as_of, recent)
    objectives = _objectives(con, as_of, previous)
    quality = _data_quality(con, as_of)
    return m.Report(
        as_of=as_of,
        generated_at=generated_at,
        previous_check_in=previous,
        summary=_summary(objectives, kpis, quality),
        north_star=kpi_health.north_star(con, as_of, recent),
        objectives=objectives,
        kpis=kpis,
        diagnoses=diagnose(objectives, {k.metric: k for k in kpis}),
        data_quality=quality,
    )


def _previous_check_in(con, as_of: date) -> date | None:
    rows = con.execute("select max(as_of) from okrs.okr_checkins where as_of < ?", [as_of]).fetchall()
    return rows[0][0]


# --- objectives and key results ---------------------------------------------------------------


def _objectives(con, as_of: date, previous: date | None) -> list[m.Objective]:
    objectives = _rows(
        con,
        """
        select o.*, p.score as previous_score, p.status as previous_status
        from okrs.okr_objectives as o
        left join okrs.okr_objectives as p
            on p.as_of = ? and (p.team, p.cycle, p.objective_id) = (o.team, o.cycle, o.objective_id)
        where o.as_of = ?
        -- parents (objectives others align to) first, then by team
        order by o.aligns_to is not null, o.team, o.cycle, o.objective_id
        """,
        [previous, as_of],
    )
    if not objectives:
        return []  # no cycle has started by the date: the report still has the KPIs and the checks
    key_results = _key_results(con, as_of, previous)
    by_objective = defaultdict(list)
    for kr in key_results:
        by_objective[kr.pop("_objective")].append(m.KeyResult(**kr))
    result = []
    for row in objectives:
        ident = (row["team"], row["cycle"], row["objective_id"])
        result.append(
            m.Objective(
                team=row["team"],
                cycle=row["cycle"],
                id=row["objective_id"],
                html_id=_html_id("objective", row["team"], row["cycle"], row["objective_id"]),
                title=row["title"] or row["objective_id"],
                owner=row["owner"],
                aligns_to=row["aligns_to"],
                score=row["score"],
                status=row["status"],
                previous_score=row["previous_score"],
                score_change=_change(row["score"], row["previous_score"]),
                previous_status=row["previous_status"],
                aligned_score=row["aligned_score"],
                spec_file=row["spec_file"],
                key_results=by_objective.get(ident, []),
            )
        )
    return result


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _key_results(con, as_of: date, previous: date | None) -> list[dict]:
    rows = _rows(
        con,
        """
        select c.*, k.title, k.owner, k.direction, k.baseline_source, k.cycle_start, k.cycle_end, k.deadline,
            k.initiatives, d.label as metric_label, d.unit, d.display,
            p.score as previous_score, p.status as previous_status
        from okrs.okr_checkins as c
        inner join okrs.okr_key_results as k using (team, cycle, objective_id, key_result_id)
        left join kpis.kpi_definitions as d on c.metric = d.metric_name
        left join okrs.okr_checkins as p
            on p.as_of = ? and (p.team, p.cycle, p.objective_id, p.key_result_id)
                = (c.team, c.cycle, c.objective_id, c.key_result_id)
        where c.as_of = ?
        order by c.team, c.cycle, c.objective_id, c.key_result_id
        """,
        [previous, as_of],
    )
    series = _key_result_values(con, rows, as_of)
    result = []
    for row in rows:
        has_values = row["key_result_type"] != "milestone"
        projection = None
        if row["key_result_type"] == "metric":
            projection = m.Projection(
                value=row["projection"],
                low=row["projection_low"],
                high=row["projection_high"],
                hit_probability=row["hit_probability"],
                note=row["projection_note"],
            )
        current_period = None
        if row["current_period_start"] is not None:
            current_period = m.Point(
                period_start=row["current_period_start"],
                period_end=row["current_period_end"],
                value=row["current_value"],
            )
        result.append(
            {
                "_objective": (row["team"], row["cycle"], row["objective_id"]),
                "id": row["key_result_id"],
                "html_id": _html_id("kr", row["team"], row["cycle"], row["objective_id"], row["key_result_id"]),
                "title": row["title"] or row["key_result_id"],  # a spec may leave the title out
                "type": row["key_result_type"],
                "owner": row["owner"],
                "metric": row["metric"],
                "metric_label": row["metric_label"],
                "unit": row["unit"],
                "display": row["display"],
                "segment": row["segment"],
                "grain": row["grain"],
                "direction": row["direction"],
                "baseline": row["baseline"],
                "baseline_source": row["baseline_source"],
                "current": row["current_value"],
                "current_period": current_period,
                "target": row["target"],
                "progress": row["progress"],
                "expected_progress": row["expected_progress"],
                "score": row["score"],
                "status": row["status"],
                "previous_score": row["previous_score"],
                "score_change": _change(row["score"], row["previous_score"]),
                "previous_status": row["previous_status"],
                "projection": projection,
                "data_status": row["data_status"],
                "data_status_reason": row["data_status_reason"],
                "score_as_of": row["score_as_of"],
                "cycle_start": row["cycle_start"],
                "deadline": row["deadline"],
                "owner_confidence": row["owner_confidence"],
                "owner_note": row["owner_note"],
                "initiatives": [i.strip() for i in (row["initiatives"] or "").split(";") if i.strip()],
                "values": series.get(_series_key(row), []) if has_values else [],
            }
        )
    return result


def _html_id(*parts: str) -> str:
    """An element id unique in the report: with the cycle, since an ended cycle's file may reuse the ids of
    the running one's, and without the dots of a custom cycle's range."""
    return "-".join(_NOT_IN_ID.sub("-", part) for part in parts)


def _series_key(row: dict) -> tuple[str, str, str, str, date, date]:
    dimension, segment = (row["segment"] or "all=all").split("=", 1)
    return (row["metric"], row["grain"], dimension, segment, row["cycle_start"], row["deadline"])


def _key_result_values(con, rows: list[dict], as_of: date) -> dict[tuple, list[m.Point]]:
    """Each key result's complete periods from the one before its cycle (the baseline) to the as-of date or
    its deadline (the cycle's end unless written), whichever is first: what it was scored on."""
    keys = sorted({_series_key(row) for row in rows if row["metric"] is not None})
    if not keys:
        return {}
    values = _rows(
        con,
        """
        with wanted as (
            select * from (values {placeholders})
                as w (metric_name, grain, dimension_name, dimension_value, cycle_start, deadline)
        ),
        periods as (
            select wanted.*, v.period_start, v.period_end, v.value,
                -- the last period ending before the cycle starts is the baseline period
                row_number() over (
                    partition by wanted.metric_name, wanted.grain, wanted.dimension_name, wanted.dimension_value,
                        wanted.cycle_start, wanted.deadline, v.period_end < wanted.cycle_start
                    order by v.period_start desc
                ) as periods_back
            from kpis.kpi_values as v
            inner join wanted using (metric_name, grain, dimension_name, dimension_value)
            inner join kpis.kpi_definitions as d on v.metric_name = d.metric_name
            where {complete}
        )
        select * from periods
        where period_end between cycle_start and deadline or (period_end < cycle_start and periods_back = 1)
        order by metric_name, grain, dimension_name, dimension_value, cycle_start, period_start
        """.format(placeholders=", ".join(["(?, ?, ?, ?, ?::date, ?::date)"] * len(keys)), complete=COMPLETE_PERIOD),
        [part for key in keys for part in key] + [as_of],
    )
    series: dict[tuple, list[m.Point]] = defaultdict(list)
    for row in values:
        key = (
            row["metric_name"],
            row["grain"],
            row["dimension_name"],
            row["dimension_value"],
            row["cycle_start"],
            row["deadline"],
        )
        series[key].append(m.Point(period_start=row["period_start"], period_end=row["period_end"], value=row["value"]))
    return series


# --- data quality and summary ----------------------------------------------------------------


def _data_quality(con, as_of: date) -> m.DataQuality | None:
    if not table_exists(con, "quality", "dq_results"):
        return None
    rows = _rows(con, "select * from quality.dq_results where as_of = ? order by check_id", [as_of])
    if not rows:
        return None
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        by_kind[row["kind"]][row["status"]] += 1
    statuses = con.execute(
        "select data_status, count(*) from quality.dq_kpi_status where as_of = ? group by 1 order by 1", [as_of]
    ).fetchall()
    problems = sorted(
        (r for r in rows if r["status"] != "pass"), key=lambda r: (PROBLEM_ORDER[r["status"]], r["check_id"])
    )
    return m.DataQuality(
        checks=len(rows),
        by_status=dict(sorted(Counter(r["status"] for r in rows).items())),
        by_kind={kind: dict(sorted(counts.items())) for kind, counts in sorted(by_kind.items())},
        kpi_data_status=dict(statuses),
        problems=[
            m.CheckProblem(
                check_id=r["check_id"],
                kind=r["kind"],
                target=r["target"],
                status=r["status"],
                message=r["message"],
                affected_kpis=_split(r["affected_kpis"]),
                affected_key_results=_split(r["affected_key_results"]),
            )
            for r in problems
        ],
    )


def _split(joined: str | None) -> list[str]:
    return [part.strip() for part in (joined or "").split(",") if part.strip()]


def _summary(objectives: list[m.Objective], kpis: list[m.Kpi], quality: m.DataQuality | None) -> m.Summary:
    key_results = [kr for objective in objectives for kr in objective.key_results]
    breached = [kr.html_id for kr in key_results if kr.is_breached]
    problems = quality is not None and (
        any(p.status in {"fail", "error"} for p in quality.problems)
        or any(status in {"failed", "stale"} for status in quality.kpi_data_status)
    )
    return m.Summary(
        objectives=len(objectives),
        key_results=len(key_results),
        key_results_by_status=dict(sorted(Counter(kr.status for kr in key_results).items())),
        kpis=len(kpis),
        kpis_by_target_status=dict(sorted(Counter(k.target_status for k in kpis).items())),
        guardrails_breached=breached,
        problems=problems,
    )
