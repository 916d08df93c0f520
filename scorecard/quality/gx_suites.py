"""Great Expectations suites (`checks/expectations/*.json`, GX Core 1.x) validated against the warehouse.

GX's SQL datasource returns empty results against DuckDB today, so GX validates pandas frames read
from DuckDB. Frames of every row would make the cost follow the row count (seconds per ten million
rows, in pandas and in GX's fingerprinting of each frame), so DuckDB does the heavy lifting and each
expectation is validated on the smallest frame that gives GX's exact answer:

- column-map and column-pair expectations whose verdict on a row depends on that row alone (not null,
  between, in set, A > B, ...), min/max under a row condition, and the row count: the distinct
  combinations of the columns they read with how many rows share each (DuckDB's `group by`); a column
  only not-null checks read is reduced to null / not null. GX judges every combination; the runner
  weighs GX's verdicts by those counts and applies `mostly` the way GX does (the row count is the
  counts' sum);
- column min/max without a row condition (freshness, bounds): two rows, DuckDB's min and max;
- uniqueness: the rows that can break it, the copies of every key held by more than one row or with a
  null (rebuilt from DuckDB's per-key counts); every other row is unique and is counted as judged;
- anything else: the rows themselves, only the columns read.

No frame exceeds `chunk_rows` rows unless one key alone has more copies: larger reads are split
(grouped frames by hash of the combination, row frames by hash of `meta.scorecard.partition_by`, so
that the copies of a key share a chunk, uniqueness frames between keys) and the per-chunk results are
merged (counts summed, then `mostly` applied; min and max combined). An expectation whose result cannot
be merged stops the run with an error naming its file when its table needs more than one chunk.

A suite's `meta.scorecard` names the table (`schema.table`), the dbt node its checks report against,
the key to partition chunks by, optional lookups (columns joined from another table, such as a KPI's
unit) and, for kpi_values, the column naming the metric of a failing row. Bounds relative to the run's
as-of moment are parameters: `{"$PARAMETER": "as_of_minus_24h"}` (`as_of`, `as_of_minus_<N>h|d`,
`as_of_plus_<N>h|d`).
"""

from __future__ import annotations

import difflib
import json
import logging
import math
import os
import re
import shutil
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scorecard.errors import InvalidInput, StepFailed, first_validation_error
from scorecard.quality.results import CheckResult

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

log = logging.getLogger(__name__)


class GxSettings(BaseModel):
    """The `great_expectations:` section of checks/thresholds.yml."""

    model_config = ConfigDict(extra="forbid")

    chunk_rows: int = Field(
        default=5_000_000,
        gt=0,
        description="Most rows a frame handed to GX may have; larger reads are split into chunks.",
    )
    partial_unexpected_count: int = Field(
        default=20, ge=0, le=1000, description="Unexpected values kept per expectation for messages and Data Docs."
    )


_ROW_COUNT = frozenset({"expect_table_row_count_to_be_between", "expect_table_row_count_to_equal"})
_EXTREMES = {"expect_column_max_to_be_between": "max", "expect_column_min_to_be_between": "min"}
# Column-map expectations whose verdict on a row depends on other rows or on the frame's dtype.
_NOT_PER_ROW = frozenset(
    {
        "expect_column_values_to_be_unique",
        "expect_column_values_to_be_increasing",
        "expect_column_values_to_be_decreasing",
        "expect_column_values_to_be_of_type",
        "expect_column_values_to_be_in_type_list",
    }
)
_UNIQUENESS = frozenset({"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"})
_NOT_NULL = "expect_column_values_to_not_be_null"
# Column-map expectations that accept a short list of values: the columns they read take few values.
_FEW_VALUES = frozenset({"expect_column_values_to_be_in_set"})
_PARAMETER = re.compile(r"^as_of(?:_(minus|plus)_([1-9][0-9]*)([hd]))?$")
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_TABLE = rf"^{_IDENTIFIER}\.{_IDENTIFIER}$"
_WEIGHT = "__scorecard_rows__"
_MARKER = "scorecard_check_id"
_MAX_EXAMPLES = 10_000  # most unexpected values GX lists per uniqueness frame
_DOCS_SITE = "scorecard"


class _Lookup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: str = Field(pattern=_TABLE)
    key: list[str] = Field(min_length=1)
    columns: list[str] = Field(min_length=1)


class _SuiteMeta(BaseModel):
    """`meta.scorecard` of a suite file."""

    model_config = ConfigDict(extra="forbid")

    table: str = Field(pattern=_TABLE)
    node: str = Field(min_length=1)
    partition_by: list[str] = Field(default_factory=list)
    lookups: list[_Lookup] = Field(default_factory=list)
    metric_column: str | None = None


@dataclass(frozen=True)
class _Expectation:
    position: int
    type: str
    kwargs: dict
    meta: dict
    check_id: str
    label: str  # the column(s) checked, or "table"
    strategy: str  # "row_count", "extremes", "values" or "rows"
    reads: tuple[str, ...]  # every column the verdict reads, row-condition columns included
    is_map: bool  # GX reports element/unexpected counts that add up across frames

    @property
    def column(self) -> str | None:
        return self.kwargs.get("column")

    def config(self) -> dict:
        return {"type": self.type, "kwargs": self.kwargs, "meta": self.meta}


@dataclass(frozen=True)
class Suite:
    """One validated suite file."""

    name: str
    shown: str  # the file as error messages show it
    meta: _SuiteMeta
    expectations: tuple[_Expectation, ...]
    parameters: frozenset[str]

    @property
    def table(self) -> str:
        return self.meta.table


# ----------------------------------------------------------------------------------------------------
# Loading and checking suite files


def load_suites(suites_dir: Path, display_root: Path) -> list[Suite]:
    """Read and check every suite file; a broken one raises InvalidInput naming it."""
    if not suites_dir.is_dir():
        raise InvalidInput(f"{_shown(suites_dir, display_root)}: folder of GX suites not found")
    suites: list[Suite] = []
    seen: dict[str, str] = {}
    with _quiet():
        gx = _gx()
        for path in sorted(suites_dir.glob("*.json")):
            suite = _load_suite(path, _shown(path, display_root), gx)
            if suite.name in seen:
                raise InvalidInput(f"{suite.shown}: suite name {suite.name!r} is also used by {seen[suite.name]}")
            seen[suite.name] = suite.shown
            suites.append(suite)
    return suites


def _load_suite(path: Path, shown: str, gx) -> Suite:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{shown}: cannot read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{shown}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from exc
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("name"), str)
        or not isinstance(data.get("expectations"), list)
    ):
        raise InvalidInput(f"{shown}: not a GX expectation suite: expected an object with 'name' and 'expectations'")
    meta = _suite_meta(data, shown)
    configs = [_expectation_config(item, i, shown) for i, item in enumerate(data["expectations"])]
    try:
        gx.ExpectationSuite(**data)
    except Exception as exc:  # GX and pydantic raise many types; the message is what the user needs
        raise InvalidInput(f"{shown}: not a valid GX suite: {_one_line(exc)}") from exc
    expectations = _plan_expectations(data["name"], configs, shown)
    parameters = set()
    for expectation in expectations:
        for name in _parameter_names(expectation.kwargs):
            if not _PARAMETER.match(name):
                raise InvalidInput(
                    f"{shown}: expectations[{expectation.position}] ({expectation.type}): unknown $PARAMETER "
                    f"{name!r}: use as_of, as_of_minus_<N>h or as_of_minus_<N>d"
                )
            parameters.add(name)
    return Suite(data["name"], shown, meta, tuple(expectations), frozenset(parameters))


def _suite_meta(data: dict, shown: str) -> _SuiteMeta:
    meta = data.get("meta")
    scorecard = meta.get("scorecard") if isinstance(meta, dict) else None
    if not isinstance(scorecard, dict):
        raise InvalidInput(f"{shown}: meta.scorecard is missing: it names the table and the dbt node checked")
    try:
        return _SuiteMeta.model_validate(scorecard)
    except ValidationError as exc:
        raise InvalidInput(f"{shown}: {first_validation_error(exc, ('meta', 'scorecard'))}") from exc


def _expectation_config(item: Any, position: int, shown: str) -> dict:
    from great_expectations.expectations.registry import list_registered_expectation_implementations

    where = f"{shown}: expectations[{position}]"
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        raise InvalidInput(f"{where}: expected an object with a 'type'")
    kwargs = item.get("kwargs", {})
    if not isinstance(kwargs, dict):
        raise InvalidInput(f"{where} ({item['type']}): kwargs must be an object")
    known = list_registered_expectation_implementations()
    if item["type"] not in known:
        close = difflib.get_close_matches(item["type"], known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InvalidInput(f"{where}: unknown expectation type {item['type']!r}{hint}")
    meta = item.get("meta") or {}
    if not isinstance(meta, dict):
        raise InvalidInput(f"{where} ({item['type']}): meta must be an object")
    return {"type": item["type"], "kwargs": kwargs, "meta": meta}


def _plan_expectations(suite_name: str, configs: list[dict], shown: str) -> list[_Expectation]:
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )
    from great_expectations.expectations.registry import get_expectation_impl

    planned: list[_Expectation] = []
    ids: set[str] = set()
    for position, config in enumerate(configs):
        kind, kwargs = config["type"], config["kwargs"]
        where = f"{shown}: expectations[{position}] ({kind})"
        impl = get_expectation_impl(kind)
        checked = _checked_columns(kwargs)
        condition = kwargs.get("row_condition")
        condition_columns = _condition_columns(condition, where) if condition is not None else []
        label = "+".join(checked) if checked else "table"
        check_id = f"gx.{suite_name}.{kind}.{label}"
        if config["meta"].get("check_name"):
            check_id += f".{config['meta']['check_name']}"
        if check_id in ids:
            raise InvalidInput(f"{where}: a second check {check_id}: give one of them a distinct meta.check_name")
        ids.add(check_id)
        per_row = issubclass(impl, ColumnMapExpectation | ColumnPairMapExpectation) and kind not in _NOT_PER_ROW
        if kind in _ROW_COUNT:
            strategy = "row_count"
        elif kind in _EXTREMES and condition is None:
            strategy = "extremes"
        elif kind in _UNIQUENESS and condition is None:
            strategy = "unique"
        elif per_row or kind in _EXTREMES:
            strategy = "values"
        else:
            strategy = "rows"
        is_map = issubclass(impl, ColumnMapExpectation | ColumnPairMapExpectation | MulticolumnMapExpectation)
        reads = tuple(dict.fromkeys([*checked, *condition_columns]))
        planned.append(_Expectation(position, kind, kwargs, config["meta"], check_id, label, strategy, reads, is_map))
    return planned


def _checked_columns(kwargs: dict) -> list[str]:
    columns = [kwargs[key] for key in ("column", "column_A", "column_B") if isinstance(kwargs.get(key), str)]
    if isinstance(kwargs.get("column_list"), list):
        columns += [c for c in kwargs["column_list"] if isinstance(c, str)]
    return columns


def _condition_columns(condition: Any, where: str) -> list[str]:
    """Columns a row condition reads. Only GX Condition objects: their columns can be read and checked."""
    if not isinstance(condition, dict) or condition.get("type") not in {"comparison", "nullity", "and", "or"}:
        raise InvalidInput(
            f"{where}: row_condition must be a GX Condition object such as "
            '{"type": "comparison", "column": {"name": "c"}, "operator": "==", "parameter": 1}'
        )
    if condition["type"] in {"and", "or"}:
        return [c for part in condition.get("conditions", []) for c in _condition_columns(part, where)]
    return [condition["column"]["name"]]


def _parameter_names(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if "$PARAMETER" in value:
            yield str(value["$PARAMETER"])
        else:
            for item in value.values():
                yield from _parameter_names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _parameter_names(item)


def _parameters(names: frozenset[str], moment: datetime) -> dict[str, datetime]:
    values = {}
    for name in names:
        direction, count, unit = _PARAMETER.match(name).groups()
        shift = timedelta(hours=int(count)) if unit == "h" else timedelta(days=int(count or 0))
        values[name] = moment - shift if direction == "minus" else moment + shift
    return values


def _parameter_hours(name: str) -> float | None:
    """How far before the as-of moment an `as_of_minus_*` parameter lies, in hours."""
    match = _PARAMETER.match(name)
    if not match or match.group(1) != "minus":
        return None
    return float(match.group(2)) * (1 if match.group(3) == "h" else 24)


# ----------------------------------------------------------------------------------------------------
# Planning against the warehouse


@dataclass(frozen=True)
class _Plan:
    suite: Suite
    relation: str  # SQL for the table, with lookups joined
    rows: int
    chunks: int  # chunks the row frames are read in


def _plan_suite(con: duckdb.DuckDBPyConnection, suite: Suite, settings: GxSettings) -> _Plan:
    shown, meta = suite.shown, suite.meta
    available = _table_columns(con, meta.table)
    if available is None:
        raise InvalidInput(f"{shown}: table {meta.table} not found in the warehouse")
    relation = _quote_table(meta.table)
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
                f"{shown}: {where}: column {column!r} is not in {meta.table}{_did_you_mean(column, available)}"
            )
    rows = con.execute(f"select count(*) from {_quote_table(meta.table)}").fetchall()[0][0]
    chunks = max(1, math.ceil(rows / settings.chunk_rows))
    if chunks > 1:
        _check_mergeable(suite, rows, settings)
    return _Plan(suite, relation, rows, chunks)


def _check_mergeable(suite: Suite, rows: int, settings: GxSettings) -> None:
    for e in suite.expectations:
        if e.strategy != "rows":
            continue
        where = f"{suite.shown}: expectations[{e.position}] ({e.type})"
        if e.type in _UNIQUENESS:
            key = set(e.reads)
            if not suite.meta.partition_by or not set(suite.meta.partition_by) <= key:
                raise InvalidInput(
                    f"{where}: {suite.table} has {rows:,} rows, more than chunk_rows ({settings.chunk_rows:,}), and "
                    f"meta.scorecard.partition_by must be among {sorted(key)} so that copies of a key share a chunk"
                )
        elif not e.is_map and e.type not in _EXTREMES:
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


def _join_lookup(con, relation: str, available: list[str], lookup: _Lookup, shown: str, table: str):
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
    key = ", ".join(_q(c) for c in lookup.key)
    # One row per key, so that the join can never multiply the table's rows.
    picked = ", ".join(f"any_value({_q(c)}) as {_q(c)}" for c in lookup.columns)
    one_per_key = f"(select {key}, {picked} from {_quote_table(lookup.table)} group by all)"
    joined = f"(select * from {relation} left join {one_per_key} using ({key}))"
    return joined, [*available, *lookup.columns]


# ----------------------------------------------------------------------------------------------------
# Reading frames (DuckDB) and judging them (GX)


@dataclass
class _Frame:
    """A frame read for some of a suite's expectations."""

    step: str  # "row_count", "extremes", "values", "unique" or "rows"
    expectations: list[_Expectation]
    frame: pd.DataFrame | None = None
    weights: Any = None  # values: how many rows each distinct combination stands for
    unread_rows: int = 0  # unique: rows left out of the frames because their key is unique
    error: str | None = None


def _read_frames(con: duckdb.DuckDBPyConnection, plan: _Plan, settings: GxSettings) -> Iterator[_Frame]:
    """Every frame a suite is validated on. A read that fails is reported on its expectations."""
    by_step: dict[str, list[_Expectation]] = {}
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
            yield _Frame(step, expectations, error=_one_line(exc))


def _row_count_frames(con, plan: _Plan, expectations, settings: GxSettings) -> Iterator[_Frame]:
    """Frames of the table's number of rows and no columns (pandas keeps only a range), in chunks."""
    import pandas as pd

    remaining = plan.rows
    while True:  # at least once: an empty table is validated too
        size = min(remaining, settings.chunk_rows)
        yield _Frame("row_count", expectations, pd.DataFrame(index=pd.RangeIndex(size)))
        remaining -= size
        if remaining <= 0:
            return


def _extremes_frames(con, plan: _Plan, expectations, settings: GxSettings) -> Iterator[_Frame]:
    """Two rows: each column's minimum, then its maximum, as DuckDB computes them."""
    columns = list(dict.fromkeys(e.column for e in expectations))
    lowest = ", ".join(f"min({_q(c)}) as {_q(c)}" for c in columns)
    highest = ", ".join(f"max({_q(c)}) as {_q(c)}" for c in columns)
    sql = f"select {lowest} from {plan.relation} union all select {highest} from {plan.relation}"
    yield _Frame("extremes", expectations, _frame(con.execute(sql).fetchnumpy()))


def _value_frames(con, plan: _Plan, expectations, settings: GxSettings) -> Iterator[_Frame]:
    """The distinct combinations of the columns per-row expectations read, with their row counts."""
    for columns, group in _value_groups(plan.suite, expectations):
        projected = [_nullness(c) if nulls_only else _q(c) for c, nulls_only in columns]
        selected = [f"{p} as {_q(c)}" for p, (c, _) in zip(projected, columns, strict=True)]
        grouped = ", ".join([*selected, f"count(*) as {_WEIGHT}"])
        sql = f"select {grouped} from {plan.relation} group by all"
        # Combinations are normally few: read them at once, unless there are more than chunk_rows.
        arrays = con.execute(f"{sql} limit {settings.chunk_rows + 1}").fetchnumpy()
        if len(arrays[_WEIGHT]) <= settings.chunk_rows:
            yield _Frame("values", group, *_weighted(arrays))
            continue
        count = con.execute(f"select count(*) from ({sql})").fetchall()[0][0]
        chunks = math.ceil(count / settings.chunk_rows)
        for chunk in range(chunks):
            where = f" where hash({', '.join(projected)}) % {chunks} = {chunk}"
            arrays = con.execute(f"select {grouped} from {plan.relation}{where} group by all").fetchnumpy()
            yield _Frame("values", group, *_weighted(arrays))


def _weighted(arrays: dict) -> tuple[pd.DataFrame, Any]:
    """A grouped read as (frame, rows each combination stands for)."""
    weights = arrays.pop(_WEIGHT).astype("int64")
    frame = _frame(arrays) if arrays else _frame({}).reindex(range(len(weights)))
    return frame, weights


def _unique_frames(con, plan: _Plan, expectations, settings: GxSettings) -> Iterator[_Frame]:
    """Uniqueness on the rows that can fail it. DuckDB counts the rows of every key; a key held by one
    row and with no null in it is unique, so GX gets the others: every copy of each key held by more
    than one row or with a null, rebuilt from the key and its count (the frame holds only the key
    columns). All copies of a key go in the same frame of at most `chunk_rows` rows (unless one key
    alone has more copies); the rows left out count as judged and expected."""
    for e in expectations:
        key = ", ".join(_q(c) for c in e.reads)
        any_null = " or ".join(f"{_q(c)} is null" for c in e.reads)
        sql = (
            f"select {key}, count(*) as {_WEIGHT} from {plan.relation} group by all "
            f"having count(*) > 1 or bool_or({any_null}) order by all"  # a stable order for GX's examples
        )
        arrays = con.execute(sql).fetchnumpy()
        copies = arrays.pop(_WEIGHT).astype("int64")
        unread = plan.rows - int(copies.sum())
        for frame in _expanded_frames(arrays, copies, settings.chunk_rows):
            yield _Frame("unique", [e], frame, unread_rows=unread)
            unread = 0


def _row_frames(con, plan: _Plan, expectations, settings: GxSettings) -> Iterator[_Frame]:
    """The rows themselves, only the columns read, in chunks by hash of meta.scorecard.partition_by."""
    suite = plan.suite
    columns = list(dict.fromkeys(c for e in expectations for c in e.reads))
    if suite.meta.metric_column and any(e.is_map for e in expectations):
        columns = list(dict.fromkeys([*columns, suite.meta.metric_column]))
    selected = ", ".join(_q(c) for c in columns)
    # Copies of a key must share a chunk for uniqueness; any split suits the rest (counts add up).
    key = ", ".join(_q(c) for c in suite.meta.partition_by or columns)
    for chunk in range(plan.chunks):
        where = f" where hash({key}) % {plan.chunks} = {chunk}" if plan.chunks > 1 else ""
        yield _Frame(
            "rows", expectations, _frame(con.execute(f"select {selected} from {plan.relation}{where}").fetchnumpy())
        )


@dataclass
class _Tally:
    """What one expectation's results over all frames and chunks add up to."""

    element: int = 0
    missing: int = 0
    unexpected: int = 0
    counts_missing: bool = False  # GX judges `mostly` over non-null rows (all but not-null checks)
    observed: Any = None
    success: bool | None = None
    frames: int = 0
    unexpected_values: dict = field(default_factory=dict)  # value -> rows: each frame's most frequent
    metrics: set = field(default_factory=set)
    error: str | None = None
    weighed: bool = False  # GX saw distinct combinations: its verdict is redone on the rows they stand for


def run_suites(
    con: duckdb.DuckDBPyConnection,
    suites_dir: Path,
    as_of_moment: datetime,
    settings: GxSettings,
    docs_dir: Path | None,
    display_root: Path,
) -> list[CheckResult]:
    """Validate every suite in ``suites_dir`` against the warehouse ``con`` is connected to; one
    CheckResult per expectation. Builds Data Docs in ``docs_dir`` when given. A broken suite file raises
    InvalidInput naming it before anything runs."""
    moment = _naive_utc(as_of_moment)
    suites = load_suites(suites_dir, display_root)
    plans = [_plan_suite(con, suite, settings) for suite in suites]
    results: list[CheckResult] = []
    with _quiet():
        judge = _Judge(_gx(), settings, docs_dir)
        for plan in plans:
            parameters = _parameters(plan.suite.parameters, moment)
            tallies = {e.position: _Tally() for e in plan.suite.expectations}
            # One frame at a time: what is held in memory stays within chunk_rows rows.
            for frame in _read_frames(con, plan, settings):
                judge.judge(plan, frame, parameters, tallies)
            for e in plan.suite.expectations:
                _settle(e, tallies[e.position], parameters)
            results += [
                _check_result(plan, e, tallies[e.position], moment, parameters) for e in plan.suite.expectations
            ]
            if docs_dir is not None:
                judge.keep_for_docs(plan, tallies, parameters, moment)
        if docs_dir is not None:
            judge.build_docs()
    return results


_RESULT_FORMATS = {
    "row_count": "BASIC",
    "extremes": "BASIC",
    "rows": "SUMMARY",
}


class _Judge:
    """GX's side: one context for the whole run, a pandas datasource whose batches are the frames read."""

    def __init__(self, gx, settings: GxSettings, docs_dir: Path | None):
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )
        from great_expectations.execution_engine import PandasExecutionEngine
        from great_expectations.validator.v1_validator import Validator

        self.gx = gx
        self.settings = settings
        self.docs_dir = docs_dir
        sites = {}
        if docs_dir is not None:
            sites[_DOCS_SITE] = {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            data_docs_sites=sites,
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            analytics_enabled=False,
        )
        self.context = gx.get_context(mode="ephemeral", project_config=config)
        asset = self.context.data_sources.add_pandas("warehouse").add_dataframe_asset("frame")
        self.batches = asset.add_batch_definition_whole_dataframe("whole frame")
        self.engine = PandasExecutionEngine()
        self.validator_class = Validator
        self.run_time = datetime.now(UTC)

    def judge(self, plan: _Plan, read: _Frame, parameters: dict, tallies: dict[int, _Tally]) -> None:
        metric_column = plan.suite.meta.metric_column
        if read.error is None:
            try:
                if read.step == "values":
                    results = self._validate_combinations(read.frame, plan.suite, read.expectations, parameters)
                else:
                    result_format = self._result_format(read, metric_column)
                    results = self._validate(read.frame, plan.suite, read.expectations, parameters, result_format)
            except Exception as exc:  # GX could not validate the frame at all
                log.debug("GX suite %s: validation failed", plan.suite.name, exc_info=True)
                read.error = _one_line(exc)
        if read.error is not None:
            for e in read.expectations:
                tallies[e.position].error = tallies[e.position].error or read.error
            return
        for e in read.expectations:
            tally, result = tallies[e.position], results[e.position]
            _record(tally, result)
            if result.exception_info.get("raised_exception"):
                continue
            summary = result.result or {}
            if e.type in _ROW_COUNT and read.step == "values":
                tally.observed = (tally.observed or 0) + int(read.weights.sum())
                tally.weighed = True
            elif not e.is_map:
                tally.observed = _combine(e.type, tally.observed, summary.get("observed_value"))
            elif read.step == "values":
                self._weigh(e, summary, read.frame, read.weights, tally, metric_column)
            else:
                self._add_counts(summary, tally, metric_column)
            tally.element += read.unread_rows

    def _result_format(self, read: _Frame, metric_column: str | None) -> Any:
        if read.step == "rows" and metric_column and any(e.is_map for e in read.expectations):
            return {"result_format": "COMPLETE", "unexpected_index_column_names": [metric_column]}
        if read.step == "unique":
            # Every duplicate of the (normally tiny) frame among GX's examples, so that the ones kept do
            # not depend on where the frames were cut.
            examples = max(self.settings.partial_unexpected_count, min(len(read.frame), _MAX_EXAMPLES))
            return {"result_format": "SUMMARY", "partial_unexpected_count": examples}
        return _RESULT_FORMATS[read.step]

    def _validate_combinations(self, frame, suite: Suite, expectations: list[_Expectation], parameters):
        """GX's results on a grouped frame. Weighing a verdict takes the index of every unexpected
        combination, which only COMPLETE results carry, at about twice the cost of BASIC ones. So BASIC
        first, then COMPLETE for the expectations that found unexpected combinations, except not-null
        checks whose unexpected combinations are exactly those with a null in the domain (GX's count
        confirms it)."""
        results = self._validate(frame, suite, expectations, parameters, "BASIC")
        again = [e for e in expectations if e.is_map and self._needs_index(e, results[e.position], frame)]
        if again:
            results.update(self._validate(frame, suite, again, parameters, "COMPLETE"))
        return results

    def _needs_index(self, e: _Expectation, result, frame) -> bool:
        unexpected = (result.result or {}).get("unexpected_count") or 0
        if result.exception_info.get("raised_exception") or unexpected == 0:
            return False
        if e.type != _NOT_NULL:
            return True
        return unexpected != int((self._domain(e, frame) & _not_judged(e, frame)).sum())

    def _domain(self, e: _Expectation, frame) -> Any:
        """The rows of ``frame`` an expectation's row condition keeps, as GX's pandas engine selects them."""
        import numpy as np
        from great_expectations.expectations.row_conditions import deserialize_row_condition

        if e.kwargs.get("row_condition") is None:
            return np.ones(len(frame), dtype=bool)
        clause = self.engine.condition_to_filter_clause(deserialize_row_condition(e.kwargs["row_condition"]))
        return frame.index.isin(frame.query(clause).index)

    def _weigh(self, e: _Expectation, summary: dict, frame, weights, tally: _Tally, metric_column) -> None:
        """Turn GX's verdicts on distinct combinations into row counts: each weighs the rows it stands for."""
        import numpy as np

        domain = self._domain(e, frame)
        tally.counts_missing = "missing_count" in summary
        if "unexpected_index_list" in summary:
            unexpected = np.asarray(summary["unexpected_index_list"] or [], dtype=int)
        elif summary.get("unexpected_count"):  # a not-null check: the combinations with a null (see above)
            unexpected = np.flatnonzero(domain & _not_judged(e, frame))
        else:
            unexpected = np.asarray([], dtype=int)
        tally.element += int(weights[domain].sum())
        if tally.counts_missing:
            tally.missing += int(weights[domain & _not_judged(e, frame)].sum())
        tally.unexpected += int(weights[unexpected].sum())
        if len(unexpected):
            checked = [frame[c].to_numpy()[unexpected] for c in _checked_columns(e.kwargs)]
            values = checked[0] if len(checked) == 1 else list(zip(*checked, strict=True))
            self._keep_unexpected_values(tally, values, weights[unexpected])
            if metric_column:
                tally.metrics.update(str(v) for v in frame[metric_column].iloc[unexpected].dropna().unique())

    def _keep_unexpected_values(self, tally: _Tally, values, weights) -> None:
        import pandas as pd

        rows = pd.Series(weights).groupby(pd.Series(values), dropna=False, sort=False).sum()
        self._keep_examples(tally, [(_plain(value), int(count)) for value, count in rows.items()])

    def _keep_examples(self, tally: _Tally, counted: list[tuple[Any, int]]) -> None:
        """Keep a frame's most frequent unexpected values (ties by value), whatever order DuckDB and GX
        returned them in, so that messages and Data Docs do not change from run to run."""
        for value, count in _most_frequent(counted, self.settings.partial_unexpected_count):
            tally.unexpected_values[value] = tally.unexpected_values.get(value, 0) + count

    def _add_counts(self, summary: dict, tally: _Tally, metric_column: str | None) -> None:
        tally.element += summary.get("element_count") or 0
        tally.counts_missing = "missing_count" in summary
        tally.missing += summary.get("missing_count") or 0
        tally.unexpected += summary.get("unexpected_count") or 0
        counted = [(_plain(item["value"]), item["count"]) for item in summary.get("partial_unexpected_counts") or []]
        self._keep_examples(tally, counted)
        if metric_column:  # rows frames of kpi_values: GX names the failing rows' metrics
            for row in summary.get("unexpected_index_list") or []:
                if isinstance(row, dict) and row.get(metric_column) is not None:
                    tally.metrics.add(str(row[metric_column]))

    def _validate(self, frame, suite: Suite, expectations: list[_Expectation], parameters, result_format):
        # GX orders results its own way: a marker in each expectation's meta pairs them up again.
        configs = [{**e.config(), "meta": {**e.meta, _MARKER: e.check_id}} for e in expectations]
        gx_suite = self.gx.ExpectationSuite(name=suite.name, expectations=configs)
        # The validator Batch.validate builds, minus building the batch twice (GX fingerprints the frame each time).
        validator = self.validator_class(
            self.batches, result_format=result_format, batch_parameters={"dataframe": frame}
        )
        outcome = validator.validate_expectation_suite(gx_suite, expectation_parameters=parameters)
        by_id = {r.expectation_config.meta.get(_MARKER): r for r in outcome.results}
        missing = [e.check_id for e in expectations if e.check_id not in by_id]
        if missing:
            raise StepFailed(f"{suite.shown}: GX returned no result for {missing[0]}")
        return {e.position: by_id[e.check_id] for e in expectations}

    # -- Data Docs ------------------------------------------------------------------------------------

    def keep_for_docs(self, plan: _Plan, tallies: dict[int, _Tally], parameters: dict, moment: datetime) -> None:
        from great_expectations.core.expectation_validation_result import (
            ExpectationSuiteValidationResult,
            ExpectationValidationResult,
        )
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        suite = plan.suite
        results = []
        for e in suite.expectations:
            tally = tallies[e.position]
            config = ExpectationConfiguration(type=e.type, kwargs=e.kwargs, meta=e.meta)
            exception = {"raised_exception": tally.error is not None, "exception_message": tally.error}
            results.append(
                ExpectationValidationResult(
                    success=bool(tally.success),
                    expectation_config=config,
                    result=_docs_result(e, tally),
                    exception_info=exception,
                )
            )
        passed = sum(1 for r in results if r.success)
        statistics = {
            "evaluated_expectations": len(results),
            "successful_expectations": passed,
            "unsuccessful_expectations": len(results) - passed,
            "success_percent": 100.0 * passed / len(results) if results else 100.0,
        }
        run_id = RunIdentifier(run_name=f"as of {moment.isoformat(sep=' ')}", run_time=self.run_time)
        validation = ExpectationSuiteValidationResult(
            success=passed == len(results),
            results=results,
            suite_name=suite.name,
            suite_parameters={name: value.isoformat() for name, value in parameters.items()},
            statistics=statistics,
            meta={
                "run_id": run_id,
                "validation_time": self.run_time,
                "batch_spec": {"data_asset_name": suite.table, "rows": plan.rows},
            },
            batch_id=suite.table,
        )
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(name=suite.name), run_id, suite.table)
        self.context.validation_results_store.set(key, validation)
        self.context.suites.add(
            self.gx.ExpectationSuite(name=suite.name, expectations=[e.config() for e in suite.expectations])
        )

    def build_docs(self) -> None:
        # The site shows this run only: pages of earlier runs would otherwise pile up beside it.
        for stale in ("validations", "expectations"):
            shutil.rmtree(self.docs_dir / stale, ignore_errors=True)
        self.docs_dir.mkdir(parents=True, exist_ok=True)
        self.context.build_data_docs(site_names=[_DOCS_SITE])


def _value_groups(suite: Suite, expectations: list[_Expectation]) -> list[tuple[list[tuple[str, bool]], list]]:
    """Group the per-row expectations into frames by the columns they read by value. The first frame
    holds the table's null profile (columns that only not-null checks read, reduced to null / not null)
    with the columns in-set checks read, which take few values by definition, and every expectation that
    reads nothing else; the others get a frame per set of columns, so that every frame keeps few rows."""
    metric_column = suite.meta.metric_column
    reads: dict[int, list[str]] = {}
    nulls_only: dict[int, str] = {}
    for e in expectations:
        by_value = [c for c in e.reads if not (e.type == _NOT_NULL and c == e.column)]
        if e.type == _NOT_NULL and e.column in e.reads[1:]:
            by_value.append(e.column)  # its own row condition reads it by value
        if e.type == _NOT_NULL and e.column not in by_value:
            nulls_only[e.position] = e.column
        if metric_column and e.is_map:
            by_value.append(metric_column)
        reads[e.position] = list(dict.fromkeys(by_value))
    base = [metric_column] if metric_column else []
    base += [c for e in expectations if e.type in _FEW_VALUES and not e.kwargs.get("row_condition") for c in e.reads]
    base = list(dict.fromkeys(base))
    groups: dict[tuple[str, ...], list[_Expectation]] = {tuple(base): []}
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
    return f"case when {_q(column)} is null then null else 0 end::utinyint"


def _not_judged(e: _Expectation, frame) -> Any:
    """Rows GX leaves out of a map expectation's verdict: nulls, or for a column pair its ignore_row_if."""
    if e.column is not None:
        return frame[e.column].isna().to_numpy()
    a, b = frame[e.kwargs["column_A"]].isna().to_numpy(), frame[e.kwargs["column_B"]].isna().to_numpy()
    mode = e.kwargs.get("ignore_row_if", "both_values_are_missing")
    if mode == "either_value_is_missing":
        return a | b
    if mode == "neither":
        return a & False
    return a & b


def _record(tally: _Tally, result) -> None:
    tally.frames += 1
    if result.exception_info.get("raised_exception") and tally.error is None:
        tally.error = _one_line(result.exception_info.get("exception_message") or "GX raised an exception")
    tally.success = result.success if tally.success is None else (tally.success and result.success)


def _settle(e: _Expectation, tally: _Tally, parameters: dict) -> None:
    """Decide pass or fail from the merged numbers, as GX decides it on one frame."""
    if tally.error is not None:
        tally.success = None
        return
    if e.is_map:
        basis = tally.element - tally.missing if tally.counts_missing else tally.element
        mostly = _resolve(e.kwargs.get("mostly", 1.0), parameters)
        tally.success = basis == 0 or (basis - tally.unexpected) / basis >= mostly
    elif (tally.frames > 1 or tally.weighed) and (e.type in _EXTREMES or e.type in _ROW_COUNT):
        tally.success = _within(tally.observed, e.kwargs, parameters)


def _within(observed: Any, kwargs: dict, parameters: dict) -> bool:
    import pandas as pd

    if _is_missing(observed):
        return False
    if "value" in kwargs:
        return observed == _resolve(kwargs["value"], parameters)
    low, high = _resolve(kwargs.get("min_value"), parameters), _resolve(kwargs.get("max_value"), parameters)
    if isinstance(observed, datetime):
        observed = pd.Timestamp(observed)
        low = pd.Timestamp(low) if low is not None else None
        high = pd.Timestamp(high) if high is not None else None
    above = low is None or (observed > low if kwargs.get("strict_min") else observed >= low)
    below = high is None or (observed < high if kwargs.get("strict_max") else observed <= high)
    return bool(above and below)


def _combine(kind: str, current: Any, new: Any) -> Any:
    if _is_missing(new):
        return current
    if current is None:
        return new
    if kind in _ROW_COUNT:
        return current + new
    return max(current, new) if _EXTREMES.get(kind) == "max" else min(current, new)


def _is_missing(value: Any) -> bool:
    """None, NaN or NaT: what GX observes on a column with no values."""
    import pandas as pd

    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # not a scalar
        return False


def _most_frequent(counted: list[tuple[Any, int]], keep: int) -> list[tuple[Any, int]]:
    """The ``keep`` values with the most rows; ties in the order of their text, for a stable choice."""
    return sorted(counted, key=lambda item: (-item[1], repr(item[0])))[:keep]


def _resolve(value: Any, parameters: dict) -> Any:
    if isinstance(value, dict) and "$PARAMETER" in value:
        return parameters[value["$PARAMETER"]]
    return value


# ----------------------------------------------------------------------------------------------------
# Results


def _check_result(plan: _Plan, e: _Expectation, tally: _Tally, moment: datetime, parameters: dict) -> CheckResult:
    suite = plan.suite
    where = f"{suite.table}.{e.label}" if e.label != "table" else suite.table
    condition = _describe_condition(e.kwargs.get("row_condition"))
    freshness = _measures_freshness(e)
    if tally.error is not None:
        message = f"{where}: {e.type} could not run: {tally.error}"
        return CheckResult(e.check_id, "gx", suite.meta.node, "error", None, None, message, (), freshness)
    status = "pass" if tally.success else "fail"
    metrics = tuple(sorted(tally.metrics)) if status == "fail" else ()
    if e.is_map:
        observed, threshold, message = _map_summary(e, tally, where, condition, parameters)
    elif e.type in _EXTREMES:
        observed, threshold, message = _extreme_summary(e, tally, where, condition, moment, parameters)
    elif e.type in _ROW_COUNT:
        observed, threshold = float(tally.observed or 0), _number(e.kwargs.get("min_value", e.kwargs.get("value")))
        message = f"{suite.table}: {int(tally.observed or 0):,} rows (expected {_bounds(e.kwargs, parameters)})"
    else:
        observed, threshold = _number(tally.observed), None
        message = f"{where}: {e.type.removeprefix('expect_').replace('_', ' ')}: observed {_show(tally.observed)}"
    if metrics:
        message += f"; metrics: {', '.join(metrics)}"
    return CheckResult(e.check_id, "gx", suite.meta.node, status, observed, threshold, message, metrics, freshness)


def _measures_freshness(e: _Expectation) -> bool:
    """A min/max bounded by the as-of moment minus an SLA: when it fails, the data is stale, not broken."""
    bound = e.kwargs.get("min_value")
    return (
        e.type in _EXTREMES and isinstance(bound, dict) and _parameter_hours(str(bound.get("$PARAMETER"))) is not None
    )


def _map_summary(e: _Expectation, tally: _Tally, where: str, condition: str, parameters: dict):
    basis = tally.element - tally.missing if tally.counts_missing else tally.element
    allowed = round(1 - float(_resolve(e.kwargs.get("mostly", 1.0), parameters)), 12)
    share = tally.unexpected / basis if basis else 0.0
    noun = "non-null values" if tally.counts_missing else "rows"
    scope = f" where {condition}" if condition else ""
    limit = "none allowed" if allowed <= 0 else f"at most {_percent(allowed)} allowed"
    message = (
        f"{where}: {tally.unexpected:,} of {basis:,} {noun}{scope} {_verb(e, parameters)} ({_percent(share)}; {limit})"
    )
    if tally.unexpected and tally.unexpected_values and e.type != _NOT_NULL:
        shown = ", ".join(_show(v) for v, _ in _most_frequent(list(tally.unexpected_values.items()), 3))
        message += f", e.g. {shown}"
    return share, allowed, message


def _extreme_summary(e: _Expectation, tally: _Tally, where: str, condition: str, moment: datetime, parameters: dict):
    import pandas as pd

    which = "newest" if _EXTREMES[e.type] == "max" else "oldest"
    scope = f" where {condition}" if condition else ""
    if _measures_freshness(e):
        limit = _parameter_hours(e.kwargs["min_value"]["$PARAMETER"])
        if tally.observed is None:
            return None, limit, f"{where}: no values{scope}, so no {which} one to judge freshness by"
        newest = pd.Timestamp(tally.observed)
        age = (pd.Timestamp(moment) - newest) / pd.Timedelta(hours=1)
        return (
            float(age),
            limit,
            f"{where}: {which} value{scope} is {newest:%Y-%m-%d %H:%M}, {age:.1f} h before the as-of moment "
            f"{moment:%Y-%m-%d %H:%M} (at most {limit:g} h allowed)",
        )
    label = "maximum" if _EXTREMES[e.type] == "max" else "minimum"
    threshold = _number(_resolve(e.kwargs.get("min_value"), parameters))
    if threshold is None:
        threshold = _number(_resolve(e.kwargs.get("max_value"), parameters))
    message = f"{where}: {label}{scope} is {_show(tally.observed)} (expected {_bounds(e.kwargs, parameters)})"
    return _number(tally.observed), threshold, message


def _verb(e: _Expectation, parameters: dict) -> str:
    kwargs = e.kwargs
    if e.type == _NOT_NULL:
        return "are null"
    if e.type == "expect_column_values_to_be_null":
        return "are not null"
    if e.type == "expect_column_values_to_be_between":
        return f"are outside {_bounds(kwargs, parameters)}"
    if e.type == "expect_column_values_to_be_in_set":
        return f"are not in {_show_set(kwargs.get('value_set'))}"
    if e.type == "expect_column_values_to_not_be_in_set":
        return f"are in {_show_set(kwargs.get('value_set'))}"
    if e.type in _UNIQUENESS:
        return "are duplicated"
    if e.type == "expect_column_pair_values_a_to_be_greater_than_b":
        relation = ">=" if kwargs.get("or_equal") else ">"
        return f"fail {kwargs.get('column_A')} {relation} {kwargs.get('column_B')}"
    return f"fail {e.type.removeprefix('expect_').replace('_', ' ')}"


def _bounds(kwargs: dict, parameters: dict) -> str:
    if "value" in kwargs:
        return f"= {_show(_resolve(kwargs['value'], parameters))}"
    low, high = _resolve(kwargs.get("min_value"), parameters), _resolve(kwargs.get("max_value"), parameters)
    if low is not None and high is not None:
        left = "(" if kwargs.get("strict_min") else "["
        right = ")" if kwargs.get("strict_max") else "]"
        return f"{left}{_show(low)}, {_show(high)}{right}"
    if low is not None:
        return f"{'>' if kwargs.get('strict_min') else '>='} {_show(low)}"
    if high is not None:
        return f"{'<' if kwargs.get('strict_max') else '<='} {_show(high)}"
    return "any value"


def _describe_condition(condition: Any) -> str:
    if not isinstance(condition, dict):
        return ""
    kind = condition.get("type")
    if kind in {"and", "or"}:
        return f" {kind} ".join(_describe_condition(c) for c in condition.get("conditions", []))
    column = condition.get("column", {}).get("name")
    if kind == "nullity":
        return f"{column} is {'' if condition.get('is_null', True) else 'not '}null"
    operator, parameter = condition.get("operator"), condition.get("parameter")
    if operator in {"IN", "NOT_IN"}:
        return f"{column} {'in' if operator == 'IN' else 'not in'} {_show_set(parameter)}"
    return f"{column} {operator} {_show(parameter)}"


def _docs_result(e: _Expectation, tally: _Tally) -> dict:
    """The merged numbers in the shape GX's Data Docs renderers read."""
    if not e.is_map:
        return {"observed_value": _plain(tally.observed)}
    basis = tally.element - tally.missing if tally.counts_missing else tally.element
    examples = _most_frequent(list(tally.unexpected_values.items()), len(tally.unexpected_values))
    result = {
        "element_count": tally.element,
        "unexpected_count": tally.unexpected,
        "unexpected_percent": 100.0 * tally.unexpected / basis if basis else 0.0,
        "partial_unexpected_list": [v for v, _ in examples],
        "partial_unexpected_counts": [{"value": v, "count": n} for v, n in examples],
    }
    if tally.counts_missing:
        result["missing_count"] = tally.missing
        result["missing_percent"] = 100.0 * tally.missing / tally.element if tally.element else None
    return result


# ----------------------------------------------------------------------------------------------------
# Small helpers


def _frame(arrays: dict) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(dict(arrays))


def _plain(value: Any) -> Any:
    """A JSON-friendly Python value for messages and Data Docs."""
    import numpy as np
    import pandas as pd

    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _number(value: Any) -> float | None:
    value = _plain(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _show(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _show_set(values: Any) -> str:
    values = list(values or [])
    shown = ", ".join(_show(v) for v in values[:4])
    return f"{{{shown}{', ...' if len(values) > 4 else ''}}}"


def _percent(share: float) -> str:
    return f"{100 * share:.2g}%" if share < 0.1 else f"{100 * share:.1f}%"


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _quote_table(table: str) -> str:
    return ".".join(_q(part) for part in table.split("."))


def _did_you_mean(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _one_line(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 300 else text[:297] + "..."


_IMPORTING: list = []  # the thread preload() started, if any


def preload() -> None:
    """Start importing GX in a background thread. The import takes seconds (GX loads scipy, altair,
    ...), which can pass while something else waits, such as `dbt build`; run_suites waits for it."""
    import threading

    if _IMPORTING or "great_expectations" in sys.modules:
        return
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    thread = threading.Thread(target=_import_gx, name="gx-import", daemon=True)
    _IMPORTING.append(thread)
    thread.start()


def _import_gx() -> None:
    try:
        import great_expectations  # noqa: F401
    except Exception:  # run_suites imports again and reports the error in the caller's thread
        log.debug("importing GX in the background failed", exc_info=True)


def _gx():
    """GX, imported with its usage statistics off (read from the environment at import time)."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    for thread in _IMPORTING:
        thread.join()
    import great_expectations as gx

    return gx


@contextmanager
def _quiet() -> Iterator[None]:
    """Keep GX's log lines, warnings and progress bars out of the command's output."""
    loggers = [logging.getLogger(name) for name in ("great_expectations", "great_expectations.core")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
