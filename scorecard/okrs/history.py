"""The OKR history in the warehouse (schema okrs): okr_key_results, okr_checkins, okr_objectives.

Written in one transaction per as-of date: that date's check-ins and objective rows are replaced,
nothing else changes, and a failure leaves every table as it was. An auto baseline is frozen the
first time a key result is scored; later runs read it back.
"""

from __future__ import annotations

from datetime import date

import duckdb

from scorecard.okrs.data_gate import BLOCKING, PROJECTION_COLUMNS, GoodScore
from scorecard.warehouse import table_exists

SCHEMA = "okrs"

KEY_RESULTS = {
    "team": "varchar",
    "cycle": "varchar",
    "objective_id": "varchar",
    "key_result_id": "varchar",
    "key_result_type": "varchar",
    "title": "varchar",
    "owner": "varchar",
    "metric": "varchar",
    "segment": "varchar",
    "grain": "varchar",
    "direction": "varchar",
    "baseline_value": "double",
    "baseline_source": "varchar",
    "baseline_frozen_on": "date",
    "target_value": "double",
    "threshold_value": "double",
    "weight": "double",
    "cycle_start": "date",
    "cycle_end": "date",
    "deadline": "date",
    "initiatives": "varchar",
    "spec_file": "varchar",
    "last_scored_as_of": "date",
}
CHECKINS = {
    "as_of": "date",
    "team": "varchar",
    "cycle": "varchar",
    "objective_id": "varchar",
    "key_result_id": "varchar",
    "key_result_type": "varchar",
    "metric": "varchar",
    "segment": "varchar",
    "grain": "varchar",
    "current_value": "double",
    "current_period_start": "date",
    "current_period_end": "date",
    "baseline": "double",
    "target": "double",
    "baseline_drift": "boolean",
    "progress_raw": "double",
    "progress": "double",
    "score": "double",
    "expected_progress": "double",
    "status": "varchar",
    "projection": "double",
    "projection_low": "double",
    "projection_high": "double",
    "hit_probability": "double",
    "projection_note": "varchar",
    "owner_confidence": "double",
    "owner_note": "varchar",
    "data_status": "varchar",
    "data_status_reason": "varchar",
    "score_as_of": "date",
}
OBJECTIVES = {
    "as_of": "date",
    "team": "varchar",
    "cycle": "varchar",
    "objective_id": "varchar",
    "title": "varchar",
    "owner": "varchar",
    "aligns_to": "varchar",
    "score": "double",
    "status": "varchar",
    "key_result_count": "integer",
    "aligned_objective_count": "integer",
    "aligned_score": "double",
    "north_star_metric": "varchar",
    "north_star_value": "double",
    "north_star_prior_value": "double",
    "north_star_period_end": "date",
    "spec_file": "varchar",
}
KEY = ("team", "cycle", "objective_id", "key_result_id")


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    for name, columns, key in [
        ("okr_key_results", KEY_RESULTS, KEY),
        ("okr_checkins", CHECKINS, ("as_of", *KEY)),
        ("okr_objectives", OBJECTIVES, ("as_of", "team", "cycle", "objective_id")),
    ]:
        body = ", ".join(f"{column} {kind}" for column, kind in columns.items())
        con.execute(f"create table if not exists {SCHEMA}.{name} ({body}, primary key ({', '.join(key)}))")
        for column, kind in columns.items():
            # history written by an older version gains the newer columns (null for its rows)
            con.execute(f"alter table {SCHEMA}.{name} add column if not exists {column} {kind}")


def frozen_baselines(con: duckdb.DuckDBPyConnection) -> dict[tuple, tuple[float | None, date]]:
    """Auto baselines recorded by earlier runs and the day each was frozen, by (team, cycle, objective id,
    key result id)."""
    if not table_exists(con, SCHEMA, "okr_key_results"):
        return {}
    rows = con.execute(
        f"select team, cycle, objective_id, key_result_id, baseline_value, baseline_frozen_on "
        f"from {SCHEMA}.okr_key_results where baseline_source = 'auto' and baseline_frozen_on is not null"
    ).fetchall()
    return {tuple(row[:4]): (row[4], row[5]) for row in rows}


def write(
    con: duckdb.DuckDBPyConnection, as_of: date, key_results: list[dict], checkins: list[dict], objectives: list[dict]
) -> None:
    con.execute("begin transaction")
    try:
        ensure_tables(con)
        # a baseline frozen while it was auto; one written in the spec since has ended that freeze, so going
        # back to auto freezes anew instead of taking the written number for the frozen auto baseline
        existing = {
            tuple(row[:4]): row[4]
            for row in con.execute(
                f"select team, cycle, objective_id, key_result_id, baseline_frozen_on from {SCHEMA}.okr_key_results "
                "where baseline_source = 'auto'"
            ).fetchall()
        }
        for row in key_results:
            ident = tuple(row[k] for k in KEY)
            frozen_on = existing.get(ident) if row["baseline_source"] == "auto" else None
            row = {
                **row,
                "last_scored_as_of": as_of,
                "baseline_frozen_on": frozen_on
                or (as_of if row["baseline_source"] == "auto" and row["baseline_value"] is not None else None),
            }
            if frozen_on is not None and row["baseline_source"] == "auto":
                # the frozen baseline stays; everything else follows the current spec
                row.pop("baseline_value")
            _upsert(con, "okr_key_results", row)
        con.execute(f"delete from {SCHEMA}.okr_checkins where as_of = ?", [as_of])
        con.execute(f"delete from {SCHEMA}.okr_objectives where as_of = ?", [as_of])
        _insert(con, "okr_checkins", CHECKINS, checkins)
        _insert(con, "okr_objectives", OBJECTIVES, objectives)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _insert(con, table: str, columns: dict, rows: list[dict]) -> None:
    if not rows:
        return
    names = list(columns)
    con.executemany(
        f"insert into {SCHEMA}.{table} ({', '.join(names)}) values ({', '.join('?' for _ in names)})",
        [[row.get(name) for name in names] for row in rows],
    )


def _upsert(con, table: str, row: dict) -> None:
    names = [name for name in KEY_RESULTS if name in row]
    updates = ", ".join(f"{name} = excluded.{name}" for name in names if name not in KEY)
    con.execute(
        f"insert into {SCHEMA}.{table} ({', '.join(names)}) values ({', '.join('?' for _ in names)}) "
        f"on conflict ({', '.join(KEY)}) do update set {updates}",
        [row[name] for name in names],
    )


def last_good_scores(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[tuple, GoodScore]:
    """Each key result's latest check-in before ``as_of`` whose data was neither stale nor failed."""
    if not table_exists(con, SCHEMA, "okr_checkins"):
        return {}
    blocking = ", ".join(f"'{status}'" for status in BLOCKING)
    rows = con.execute(
        f"""
        select team, cycle, objective_id, key_result_id, as_of, score, progress, {", ".join(PROJECTION_COLUMNS)}
        from {SCHEMA}.okr_checkins
        where as_of < ? and coalesce(data_status, 'unknown') not in ({blocking})
        qualify row_number() over (partition by team, cycle, objective_id, key_result_id order by as_of desc) = 1
        """,
        [as_of],
    ).fetchall()
    return {tuple(row[:4]): GoodScore(row[4], row[5], row[6], tuple(row[7:])) for row in rows}


def recorded_key_results(con: duckdb.DuckDBPyConnection) -> dict[tuple, dict]:
    """The latest scored target, baseline and metric of every metric key result, for the goalposts lint rule."""
    if not table_exists(con, SCHEMA, "okr_checkins"):
        return {}
    rows = con.execute(
        f"""
        select team, cycle, objective_id, key_result_id, metric, target, baseline,
            min(as_of) over (partition by team, cycle, objective_id, key_result_id) as first_scored
        from {SCHEMA}.okr_checkins
        where key_result_type = 'metric'
        qualify row_number() over (partition by team, cycle, objective_id, key_result_id order by as_of desc) = 1
        """
    ).fetchall()
    return {
        tuple(row[:4]): {"metric": row[4], "target": row[5], "baseline": row[6], "first_scored": row[7]} for row in rows
    }
