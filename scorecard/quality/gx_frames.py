"""How DuckDB reduces a suite's table before GX sees it: planning a suite against the warehouse (its
columns, lookups and chunks), then reading the smallest frames that give GX's exact answer (distinct
combinations with their row counts, min and max, the rows that can break uniqueness, or the rows
themselves), none larger than `chunk_rows` rows unless one key alone is."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scorecard.errors import InvalidInput
from scorecard.quality.gx_common import GxSettings
from scorecard.quality.gx_suite_files import (
    EXTREMES,
    FEW_VALUES,
    NOT_NULL,
    UNIQUENESS,
    Expectation,
    Lookup,
    Suite,
)
from scorecard.quality.results import one_line
from scorecard.suggest import did_you_mean
from scorecard.warehouse import sql_identifier, sql_literal

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

log = logging.getLogger(__name__)


_WEIGHT = "__scorecard_rows__"
LOADED_AT = "_loaded_at"  # when the loader wrote a source row (every raw table has it)


# ----------------------------------------------------------------------------------------------------
# Planning against the warehouse


@dataclass(frozen=True)
class Plan:
    suite: Suite
    relation: str  # SQL for the table, with lookups joined
    rows: int
    chunks: int  # chunks the row frames are read in


def plan_suite(con: duckdb.DuckDBPyConnection, suite: Suite, settings: GxSettings, moment: datetime) -> Plan:
    """``moment``: what the data is judged at; a source's rows loaded after it were not there yet (a check
    re-run for an earlier date must not count a later load as fresh)."""
    shown, meta = suite.shown, suite.meta
    available = _table_columns(con, meta.table)
    if available is None:
        raise InvalidInput(f"{shown}: table {meta.table} not found in the warehouse")
    relation = _quote_table(meta.table)
    if LOADED_AT in available:
        relation = _as_loaded_at(con, relation, moment)
    for lookup in meta.lookups:
        relation, available = _join_lookup(con, relation, available, lookup, shown, meta.table)
    wanted = [(e, c) for e in suite.expectations for c in e.reads]
    wanted += [(None, c) for c in meta.partition_by]
    if meta.metric_column:
        wanted.append((None, meta.metric_column))
    for expectation, column in wanted:
        if column not in available:
            where = f"expectations[{expectation.position}] ({expectation.type})" if expectation else "meta.scorecard"
            raise InvalidInput(
                f"{shown}: {where}: column {column!r} is not in {meta.table}{did_you_mean(column, available)}"
            )
    rows = con.execute(f"select count(*) from {relation}").fetchall()[0][0]
    chunks = max(1, math.ceil(rows / settings.chunk_rows))
    if chunks > 1:
        _check_mergeable(suite, rows, settings)
    return Plan(suite, relation, rows, chunks)


def _as_loaded_at(con: duckdb.DuckDBPyConnection, table: str, moment: datetime) -> str:
    """The source's rows as they stood at ``moment``: those loaded by then. A table whose every row came
    later was re-synced whole since and keeps nothing older: it is judged as it is (as the freshness
    macro counts it loaded at the moment)."""
    cutoff = f"cast({sql_literal(moment)} as timestamp)"
    ((earlier,),) = con.execute(f"select count(*) from {table} where {LOADED_AT} <= {cutoff}").fetchall()
    return f"(select * from {table} where {LOADED_AT} <= {cutoff})" if earlier else table


def _check_mergeable(suite: Suite, rows: int, settings: GxSettings) -> None:
    for e in suite.expectations:
        if e.strategy != "rows":
            continue
        where = f"{suite.shown}: expectations[{e.position}] ({e.type})"
        if e.type in UNIQUENESS:
            key = set(e.reads)
            if not suite.meta.partition_by or not set(suite.meta.partition_by) <= key:
                raise InvalidInput(
                    f"{where}: {suite.table} has {rows:,} rows, more than chunk_rows ({settings.chunk_rows:,}), and "
                    f"meta.scorecard.partition_by must be among {sorted(key)} so that copies of a key share a chunk"
                )
        elif not e.is_map and e.type not in EXTREMES:
            raise InvalidInput(
                f"{where}: cannot be merged across chunks, and {suite.table} has {rows:,} rows, more than "
                f"chunk_rows ({settings.chunk_rows:,}): raise chunk_rows or drop the expectation"
            )


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str] | None:
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, name],
    ).fetchall()
    return [r[0] for r in rows] or None


def _join_lookup(con, relation: str, available: list[str], lookup: Lookup, shown: str, table: str):
    lookup_columns = _table_columns(con, lookup.table)
    if lookup_columns is None:
        raise InvalidInput(f"{shown}: meta.scorecard.lookups: table {lookup.table} not found in the warehouse")
    for column in lookup.key:
        if column not in available or column not in lookup_columns:
            raise InvalidInput(f"{shown}: meta.scorecard.lookups: key {column!r} must be in {table} and {lookup.table}")
    for column in lookup.columns:
        if column not in lookup_columns:
            raise InvalidInput(f"{shown}: meta.scorecard.lookups: column {column!r} is not in {lookup.table}")
        if column in available:
            raise InvalidInput(f"{shown}: meta.scorecard.lookups: column {column!r} is already in {table}")
    key = ", ".join(sql_identifier(c) for c in lookup.key)
    # One row per key, so that the join can never multiply the table's rows.
    picked = ", ".join(f"any_value({sql_identifier(c)}) as {sql_identifier(c)}" for c in lookup.columns)
    one_per_key = f"(select {key}, {picked} from {_quote_table(lookup.table)} group by all)"
    joined = f"(select * from {relation} left join {one_per_key} using ({key}))"
    return joined, [*available, *lookup.columns]


# ----------------------------------------------------------------------------------------------------
# Reading frames (DuckDB)


@dataclass
class Frame:
    """A frame read for some of a suite's expectations."""

    step: str  # "row_count", "extremes", "values", "unique" or "rows"
    expectations: list[Expectation]
    frame: pd.DataFrame | None = None
    weights: Any = None  # values: how many rows each distinct combination stands for
    unread_rows: int = 0  # unique: rows left out of the frames because their key is unique
    error: str | None = None


def read_frames(con: duckdb.DuckDBPyConnection, plan: Plan, settings: GxSettings) -> Iterator[Frame]:
    """Every frame a suite is validated on. A read that fails is reported on its expectations."""
    by_step: dict[str, list[Expectation]] = {}
    for e in plan.suite.expectations:
        by_step.setdefault(e.strategy, []).append(e)
    if "values" in by_step:
        # The grouped frame's row counts add up to the table's: no need for a frame of that many rows.
        by_step["values"] = by_step.pop("row_count", []) + by_step["values"]
    readers = {
        "row_count": _row_count_frames,
        "extremes": _extremes_frames,
        "values": _value_frames,
        "unique": _unique_frames,
        "rows": _row_frames,
    }
    for step, read in readers.items():
        expectations = by_step.get(step)
        if not expectations:
            continue
        try:
            yield from read(con, plan, expectations, settings)
        except Exception as exc:  # DuckDB, pandas: the frame cannot be read, so its checks cannot run
            log.debug("GX suite %s: reading %s frames failed", plan.suite.name, step, exc_info=True)
            yield Frame(step, expectations, error=one_line(exc))


def _row_count_frames(con, plan: Plan, expectations, settings: GxSettings) -> Iterator[Frame]:
    """Frames of the table's number of rows and no columns (pandas keeps only a range), in chunks."""
    import pandas as pd

    remaining = plan.rows
    while True:  # at least once: an empty table is validated too
        size = min(remaining, settings.chunk_rows)
        yield Frame("row_count", expectations, pd.DataFrame(index=pd.RangeIndex(size)))
        remaining -= size
        if remaining <= 0:
            return


def _extremes_frames(con, plan: Plan, expectations, settings: GxSettings) -> Iterator[Frame]:
    """Two rows: each column's minimum, then its maximum, as DuckDB computes them."""
    columns = list(dict.fromkeys(e.column for e in expectations))
    lowest = ", ".join(f"min({sql_identifier(c)}) as {sql_identifier(c)}" for c in columns)
    highest = ", ".join(f"max({sql_identifier(c)}) as {sql_identifier(c)}" for c in columns)
    sql = f"select {lowest} from {plan.relation} union all select {highest} from {plan.relation}"
    yield Frame("extremes", expectations, _frame(con.execute(sql).fetchnumpy()))


def _value_frames(con, plan: Plan, expectations, settings: GxSettings) -> Iterator[Frame]:
    """The distinct combinations of the columns per-row expectations read, with their row counts."""
    for columns, group in _value_groups(plan.suite, expectations):
        projected = [_nullness(c) if nulls_only else sql_identifier(c) for c, nulls_only in columns]
        selected = [f"{p} as {sql_identifier(c)}" for p, (c, _) in zip(projected, columns, strict=True)]
        grouped = ", ".join([*selected, f"count(*) as {_WEIGHT}"])
        sql = f"select {grouped} from {plan.relation} group by all"
        # Combinations are normally few: read them at once, unless there are more than chunk_rows.
        arrays = con.execute(f"{sql} limit {settings.chunk_rows + 1}").fetchnumpy()
        if len(arrays[_WEIGHT]) <= settings.chunk_rows:
            yield Frame("values", group, *_weighted(arrays))
            continue
        count = con.execute(f"select count(*) from ({sql})").fetchall()[0][0]
        chunks = math.ceil(count / settings.chunk_rows)
        for chunk in range(chunks):
            where = f" where hash({', '.join(projected)}) % {chunks} = {chunk}"
            arrays = con.execute(f"select {grouped} from {plan.relation}{where} group by all").fetchnumpy()
            yield Frame("values", group, *_weighted(arrays))


def _weighted(arrays: dict) -> tuple[pd.DataFrame, Any]:
    """A grouped read as (frame, rows each combination stands for)."""
    weights = arrays.pop(_WEIGHT).astype("int64")
    frame = _frame(arrays) if arrays else _frame({}).reindex(range(len(weights)))
    return frame, weights


def _unique_frames(con, plan: Plan, expectations, settings: GxSettings) -> Iterator[Frame]:
    """Uniqueness on the rows that can fail it. DuckDB counts the rows of every key; a key held by one
    row and with no null in it is unique, so GX gets the others: every copy of each key held by more
    than one row or with a null, rebuilt from the key and its count (the frame holds only the key
    columns). All copies of a key go in the same frame of at most `chunk_rows` rows (unless one key
    alone has more copies); the rows left out count as judged and expected."""
    for e in expectations:
        key = ", ".join(sql_identifier(c) for c in e.reads)
        any_null = " or ".join(f"{sql_identifier(c)} is null" for c in e.reads)
        sql = (
            f"select {key}, count(*) as {_WEIGHT} from {plan.relation} group by all "
            f"having count(*) > 1 or bool_or({any_null}) order by all"  # a stable order for GX's examples
        )
        arrays = con.execute(sql).fetchnumpy()
        copies = arrays.pop(_WEIGHT).astype("int64")
        unread = plan.rows - int(copies.sum())
        for frame in _expanded_frames(arrays, copies, settings.chunk_rows):
            yield Frame("unique", [e], frame, unread_rows=unread)
            unread = 0


def _row_frames(con, plan: Plan, expectations, settings: GxSettings) -> Iterator[Frame]:
    """The rows themselves, only the columns read, in chunks by hash of meta.scorecard.partition_by."""
    suite = plan.suite
    columns = list(dict.fromkeys(c for e in expectations for c in e.reads))
    if suite.meta.metric_column and any(e.is_map for e in expectations):
        columns = list(dict.fromkeys([*columns, suite.meta.metric_column]))
    selected = ", ".join(sql_identifier(c) for c in columns)
    # Copies of a key must share a chunk for uniqueness; any split suits the rest (counts add up).
    key = ", ".join(sql_identifier(c) for c in suite.meta.partition_by or columns)
    for chunk in range(plan.chunks):
        where = f" where hash({key}) % {plan.chunks} = {chunk}" if plan.chunks > 1 else ""
        yield Frame(
            "rows", expectations, _frame(con.execute(f"select {selected} from {plan.relation}{where}").fetchnumpy())
        )


def _value_groups(suite: Suite, expectations: list[Expectation]) -> list[tuple[list[tuple[str, bool]], list]]:
    """Group the per-row expectations into frames by the columns they read by value. The first frame
    holds the table's null profile (columns that only not-null checks read, reduced to null / not null)
    with the columns in-set checks read, which take few values by definition, and every expectation that
    reads nothing else; the others get a frame per set of columns, so that every frame keeps few rows."""
    metric_column = suite.meta.metric_column
    reads: dict[int, list[str]] = {}
    nulls_only: dict[int, str] = {}
    for e in expectations:
        by_value = [c for c in e.reads if not (e.type == NOT_NULL and c == e.column)]
        if e.type == NOT_NULL and e.column in e.reads[1:]:
            by_value.append(e.column)  # its own row condition reads it by value
        if e.type == NOT_NULL and e.column not in by_value:
            nulls_only[e.position] = e.column
        if metric_column and e.is_map:
            by_value.append(metric_column)
        reads[e.position] = list(dict.fromkeys(by_value))
    base = [metric_column] if metric_column else []
    base += [c for e in expectations if e.type in FEW_VALUES and not e.kwargs.get("row_condition") for c in e.reads]
    base = list(dict.fromkeys(base))
    groups: dict[tuple[str, ...], list[Expectation]] = {tuple(base): []}
    for e in expectations:
        key = tuple(base) if set(reads[e.position]) <= set(base) else tuple(reads[e.position])
        groups.setdefault(key, []).append(e)
    frames = []
    for key, group in groups.items():
        if not group:
            continue
        wanted = [nulls_only[e.position] for e in group if e.position in nulls_only]
        wanted = [c for c in dict.fromkeys(wanted) if c not in key]
        frames.append(([(c, False) for c in key] + [(c, True) for c in wanted], group))
    return frames


def _expanded_frames(arrays: dict, copies, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Frames of the rows ``arrays`` stand for, each row repeated ``copies`` times, cut between keys so
    that no frame exceeds ``chunk_rows`` rows unless a single key does. At least one (maybe empty) frame."""
    import numpy as np
    import pandas as pd

    ends = np.cumsum(copies)  # rows up to and including each key
    start = 0
    while True:
        before = int(ends[start - 1]) if start else 0
        fitting = int(np.searchsorted(ends, before + chunk_rows, side="right"))  # keys that fit whole
        stop = min(max(fitting, start + 1), len(copies))  # at least one key, even one with too many copies
        part = slice(start, stop)
        yield pd.DataFrame({c: np.repeat(np.asarray(v)[part], copies[part]) for c, v in arrays.items()})
        start = stop
        if start >= len(copies):
            return


def _nullness(column: str) -> str:
    """SQL keeping only whether ``column`` is null: null where it is, 0 elsewhere."""
    return f"case when {sql_identifier(column)} is null then null else 0 end::utinyint"


# ----------------------------------------------------------------------------------------------------
# Small helpers


def _frame(arrays: dict) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(dict(arrays))


def _quote_table(table: str) -> str:
    return ".".join(sql_identifier(part) for part in table.split("."))
