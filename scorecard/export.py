"""`scorecard export`: the six tables BI tools read, one Parquet file each (columns in docs/outputs.md).

DuckDB writes the files itself (COPY ... TO ... (FORMAT parquet)), so no pyarrow or pandas is needed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scorecard.config import warehouse_path
from scorecard.errors import InvalidInput, StepFailed
from scorecard.warehouse import connect, sql_literal, table_exists

# Each table with its key. Rows are written in key order: the key is unique, so the order is total and
# exporting the same data twice gives byte-identical files (a BI refresh or a diff sees no change).
TABLES: dict[str, tuple[str, ...]] = {
    "kpis.kpi_values": ("metric_name", "grain", "period_start", "dimension_name", "dimension_value"),
    "kpis.kpi_status": ("metric_name",),
    "okrs.okr_key_results": ("team", "cycle", "objective_id", "key_result_id"),
    "okrs.okr_checkins": ("as_of", "team", "cycle", "objective_id", "key_result_id"),
    "okrs.okr_objectives": ("as_of", "team", "cycle", "objective_id"),
    "quality.dq_results": ("as_of", "check_id"),
}


@dataclass(frozen=True)
class Exported:
    table: str
    path: Path
    rows: int


def export_parquet(project_dir: Path, out_dir: Path) -> list[Exported]:
    """Write ``<table>.parquet`` for every table in TABLES into ``out_dir``; returns what was written."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(f"{out_dir}: --out is a file, not a directory")
    warehouse = warehouse_path(project_dir)
    con = connect(warehouse, read_only=True)  # a missing warehouse: exit 2, as for score and check
    try:
        # every table is checked before anything is created, so a missing one leaves no trace
        for table in TABLES:
            if not table_exists(con, *table.split(".")):
                raise InvalidInput(f"{warehouse}: no table {table}; run `scorecard run` first")
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidInput(f"{out_dir}: cannot create the output directory ({exc.strerror or exc})") from None
        return [_copy(con, table, key, out_dir) for table, key in TABLES.items()]
    finally:
        con.close()


def _copy(con: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...], out_dir: Path) -> Exported:
    name = table.split(".")[1]
    final = out_dir / f"{name}.parquet"
    # Written under a temporary name in the same directory, then renamed (atomic on one file system):
    # a reader or a failed export never sees a half-written file under the final name.
    partial = out_dir / f".{name}.parquet.{os.getpid()}.tmp"
    try:
        ((rows,),) = con.execute(
            f"copy (select * from {table} order by {', '.join(key)}) to {sql_literal(partial)} (format parquet)"
        ).fetchall()
        os.replace(partial, final)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, duckdb.Error | OSError):
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StepFailed(f"{final}: cannot write {table}: {reason}") from None
        raise
    return Exported(table, final, rows)
