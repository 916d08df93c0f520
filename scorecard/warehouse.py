"""Opening the DuckDB warehouse, with one-line errors for the ways that fails."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path

import duckdb

from scorecard.errors import InvalidInput, StepFailed

_LOCK_HOLDER = re.compile(r"PID (\d+)")


def ensure_writable_dir(path: Path, what: str = "the warehouse") -> None:
    """Create the file's directory and prove it accepts writes (root ignores mode bits, so try one)."""
    directory = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".scorecard-write-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InvalidInput(f"{directory}: cannot write {what} there ({reason})") from None


def on_read_only_file_system(path: Path) -> bool:
    """Whether the file lies on a file system mounted read-only: there no process can write it (unlike a
    folder this user may not write to, which another user's job may)."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def require_warehouse(path: Path) -> None:
    """Stop with exit 2 when the warehouse file is missing: a command that reads it would otherwise leave
    an empty database (and its lock file) behind."""
    if not path.exists():
        raise InvalidInput(f"{path}: warehouse not found (run `scorecard run` or `make run` first)")


def has_kpi_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has the KPI tables scoring and the checks read (kpi_values, kpi_definitions)."""
    present = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'kpis'"
        ).fetchall()
    }
    return {"kpi_values", "kpi_definitions"} <= present


def require_kpi_tables(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Stop with exit 2 when the warehouse has no KPI tables yet: nothing to score or check."""
    if not has_kpi_tables(con):
        raise InvalidInput(f"{path}: no kpis.kpi_values yet; run `scorecard run` or `dbt build` first")


def kpi_tables_built_for(con: duckdb.DuckDBPyConnection) -> date | None:
    """The as-of date kpi_values was last built for, as its materialization records it beside its
    fingerprint (macros/kpi/kpi_state.sql, kpi_record_as_of); None for a warehouse without the record."""
    if not table_exists(con, "kpis", "kpi_model_state"):
        return None
    rows = con.execute("select fingerprint from kpis.kpi_model_state where model_name = 'kpi_values as_of'").fetchall()
    return date.fromisoformat(rows[0][0]) if rows else None


def kpi_tables_behind(con: duckdb.DuckDBPyConnection, day: date | None) -> date | None:
    """The date the KPI tables were built for when it is before ``day``: scored or compared at ``day``,
    their data ends days early, and a cycle over by then would be judged on it. None when they were built
    for ``day`` or later, or carry no record of the date."""
    built = kpi_tables_built_for(con)
    return built if day is not None and built is not None and built < day else None


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a lock held by another process or a bad path becomes one clear line."""
    if read_only:
        require_warehouse(path)
    if not read_only:
        ensure_writable_dir(path)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        message = str(exc)
        if "lock" in message.lower():
            who = lock_holder(message)
            raise StepFailed(
                f"{path}: the warehouse is locked by {who}; wait for it to finish or point "
                "SCORECARD_DUCKDB at another file"
            ) from None
        if path.is_dir() or "not a valid DuckDB database file" in message:
            # a wrong SCORECARD_DUCKDB (a text file, a folder, a truncated copy): configuration, not a failed step
            what = "a folder" if path.is_dir() else "not a DuckDB database file"
            raise InvalidInput(
                f"{path}: {what}; SCORECARD_DUCKDB must name a DuckDB warehouse file, or a path where none exists yet"
            ) from None
        if "could not read enough bytes" in message.lower() or "corrupt" in message.lower():
            # a DuckDB file that is damaged (a copy cut short, a full disk): nothing to rebuild it from
            # here, and the file holds the check-in history, so it is left as it is
            raise StepFailed(
                f"{path}: the warehouse file is damaged or cut short ({_first_line(message)}); restore it "
                "from a backup, or point SCORECARD_DUCKDB at another file"
            ) from None
        raise StepFailed(f"{path}: cannot open the warehouse: {_first_line(message)}") from None
    except duckdb.Error as exc:
        raise StepFailed(f"{path}: cannot open the warehouse: {_first_line(str(exc))}") from None


def has_raw_data(warehouse: Path) -> bool:
    """Whether the warehouse exists and holds any source table (else the sample is generated)."""
    from scorecard.sample import RAW_SCHEMA

    if not warehouse.exists():
        return False
    con = connect(warehouse)
    try:
        rows = con.execute(
            "select count(*) from information_schema.tables where table_schema = ?", [RAW_SCHEMA]
        ).fetchall()
    finally:
        con.close()
    return rows[0][0] > 0


def require_history_at(
    warehouse: Path,
    as_of: date,
    con: duckdb.DuckDBPyConnection | None = None,
    *,
    refuse_default: bool = False,
) -> None:
    """Stop with exit 2 when ``as_of`` is before the first source row was loaded: every model would be
    built empty as of that date (the KPI tables too) and every check would pass on nothing. ``con``: the
    caller's open connection to ``warehouse``, else one is opened for the question. ``refuse_default``:
    ``as_of`` is the command's default, checked as refuse_default_as_of_before_data does, from the same
    query."""
    first, last = _loaded_days(warehouse, con)
    if first is not None and as_of < first:
        raise InvalidInput(
            f"the as-of date {as_of} is before the first data: the earliest source row in {warehouse} was "
            f"loaded on {first}; pick a later date"
        )
    if refuse_default:
        _refuse_default_before(warehouse, as_of, last)


def refuse_default_as_of_before_data(
    warehouse: Path, as_of: date, con: duckdb.DuckDBPyConnection | None = None
) -> None:
    """Stop with exit 2 when ``as_of``, a command's default (the sample's date), is before the last day
    source rows were loaded on: the warehouse holds other data than the sample as generated, and a
    scheduled run that left out --as-of would build, score and report that past date with exit 0."""
    _refuse_default_before(warehouse, as_of, _loaded_days(warehouse, con)[1])


def _refuse_default_before(warehouse: Path, as_of: date, last: date | None) -> None:
    if last is not None and last > as_of:
        raise InvalidInput(
            f"{warehouse}: source rows were loaded up to {last}, after the default as-of date {as_of} (the "
            "sample's); give --as-of, for a scheduled run the day it runs for"
        )


def _loaded_days(warehouse: Path, con: duckdb.DuckDBPyConnection | None) -> tuple[date | None, date | None]:
    """The days the first and the last source row were loaded on (None, None without any)."""
    if con is not None:
        return _loaded_range(con)
    if not warehouse.exists():
        return None, None
    # not read-only: DuckDB refuses a second configuration while this process holds the file open
    con = connect(warehouse)
    try:
        return _loaded_range(con)
    finally:
        con.close()


def _loaded_range(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    from scorecard.sample import RAW_SCHEMA

    tables = con.execute(
        "select table_name from information_schema.columns where table_schema = ? and column_name = '_loaded_at'",
        [RAW_SCHEMA],
    ).fetchall()
    if not tables:
        return None, None
    ranges = " union all ".join(
        f"select min(_loaded_at) as first_loaded, max(_loaded_at) as last_loaded "
        f"from {sql_identifier(RAW_SCHEMA)}.{sql_identifier(name)}"
        for (name,) in tables
    )
    ((first, last),) = con.execute(
        f"select cast(min(first_loaded) as date), cast(max(last_loaded) as date) from ({ranges})"
    ).fetchall()
    return first, last


def sql_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: object) -> str:
    """A quoted SQL string, for the places DuckDB takes no bind parameter (ATTACH and COPY paths)."""
    return "'" + str(text).replace("'", "''") + "'"


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    rows = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchall()
    return rows[0][0] > 0


def lock_holder(message: str) -> str:
    """Who holds the DuckDB file, as DuckDB's lock error names it: "another process (PID 123)"."""
    holder = _LOCK_HOLDER.search(message)
    return f"another process (PID {holder.group(1)})" if holder else "another process"


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message
