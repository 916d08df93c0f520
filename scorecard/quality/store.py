"""The data-quality tables, written in one transaction per as-of date (re-running a date replaces it).

quality.dq_results     one row per check: what was checked, the outcome, and the KPIs and key
                       results it vouches for
quality.dq_kpi_status  one row per KPI and date: its data status and the reason (kpi_status and the OKR
                       check-ins read it)"""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from scorecard.quality.results import CheckResult
from scorecard.quality.status import DataStatus
from scorecard.warehouse import table_exists

SCHEMA = "quality"
RESULTS = {
    "as_of": "date not null",
    # the moment the data was judged at (the as-of moment), not the wall clock: re-runs give equal rows
    "judged_at": "timestamp not null",
    "check_id": "varchar not null",
    "kind": "varchar not null",
    "target": "varchar not null",
    "status": "varchar not null",
    "observed_value": "double",
    "threshold": "double",
    "message": "varchar not null",
    "affected_kpis": "varchar",
    "affected_key_results": "varchar",
}
KPI_STATUS = {
    "as_of": "date not null",
    "metric_name": "varchar not null",
    "data_status": "varchar not null",
    "data_status_reason": "varchar not null",
}


def write_results(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    judged_at: datetime,
    results: list[CheckResult],
    kpis_by_check: dict[str, set[str]],
    key_results_by_check: dict[str, set[str]],
    kpi_statuses: dict[str, DataStatus],
) -> None:
    con.execute("begin transaction")
    try:
        _ensure_tables(con)
        con.execute(f"delete from {SCHEMA}.dq_results where as_of = ?", [as_of])
        con.execute(f"delete from {SCHEMA}.dq_kpi_status where as_of = ?", [as_of])
        _insert(
            con,
            "dq_results",
            [
                [
                    as_of,
                    judged_at,
                    r.check_id,
                    r.kind,
                    r.target,
                    r.status,
                    r.observed_value,
                    r.threshold,
                    r.message,
                    ", ".join(sorted(kpis_by_check.get(r.check_id, ()))) or None,
                    ", ".join(sorted(key_results_by_check.get(r.check_id, ()))) or None,
                ]
                for r in results
            ],
            len(RESULTS),
        )
        _insert(
            con,
            "dq_kpi_status",
            [[as_of, name, s.status, s.reason] for name, s in sorted(kpi_statuses.items())],
            len(KPI_STATUS),
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def read_kpi_statuses(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, DataStatus] | None:
    """The KPIs' data statuses recorded for ``as_of``; None when no check has run for that date."""
    if not table_exists(con, SCHEMA, "dq_kpi_status"):
        return None
    rows = con.execute(
        f"select metric_name, data_status, data_status_reason from {SCHEMA}.dq_kpi_status where as_of = ?", [as_of]
    ).fetchall()
    return {name: DataStatus(status, reason) for name, status, reason in rows} or None


def _ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    for name, columns, key in [
        ("dq_results", RESULTS, "as_of, check_id"),
        ("dq_kpi_status", KPI_STATUS, "as_of, metric_name"),
    ]:
        body = ", ".join(f"{column} {kind}" for column, kind in columns.items())
        con.execute(f"create table if not exists {SCHEMA}.{name} ({body}, primary key ({key}))")


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[list], width: int) -> None:
    if rows:
        placeholders = ", ".join("?" for _ in range(width))
        con.executemany(f"insert into {SCHEMA}.{table} values ({placeholders})", rows)
