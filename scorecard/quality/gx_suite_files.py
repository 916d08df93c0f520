"""Loading and checking GX suite files (`checks/expectations/*.json`): each becomes a Suite of planned
expectations (the check id, the columns read and the kind of frame each is validated on) and the as-of
parameters they use."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scorecard.errors import InvalidInput, first_validation_error
from scorecard.quality.gx_common import gx_module, quiet
from scorecard.quality.results import one_line
from scorecard.suggest import did_you_mean

ROW_COUNT = frozenset({"expect_table_row_count_to_be_between", "expect_table_row_count_to_equal"})
EXTREMES = {"expect_column_max_to_be_between": "max", "expect_column_min_to_be_between": "min"}
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
UNIQUENESS = frozenset({"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"})
NOT_NULL = "expect_column_values_to_not_be_null"
# Column-map expectations that accept a short list of values: the columns they read take few values.
FEW_VALUES = frozenset({"expect_column_values_to_be_in_set"})
_PARAMETER = re.compile(r"^as_of(?:_(minus|plus)_([1-9][0-9]*)([hd]))?$")
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_TABLE = rf"^{_IDENTIFIER}\.{_IDENTIFIER}$"


class Lookup(BaseModel):
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
    lookups: list[Lookup] = Field(default_factory=list)
    metric_column: str | None = None


@dataclass(frozen=True)
class Expectation:
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
    expectations: tuple[Expectation, ...]
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
    with quiet():
        gx = gx_module()
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
        raise InvalidInput(f"{shown}: not a valid GX suite: {one_line(exc)}") from exc
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
        raise InvalidInput(f"{where}: unknown expectation type {item['type']!r}{did_you_mean(item['type'], known)}")
    meta = item.get("meta") or {}
    if not isinstance(meta, dict):
        raise InvalidInput(f"{where} ({item['type']}): meta must be an object")
    return {"type": item["type"], "kwargs": kwargs, "meta": meta}


def _plan_expectations(suite_name: str, configs: list[dict], shown: str) -> list[Expectation]:
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )
    from great_expectations.expectations.registry import get_expectation_impl

    planned: list[Expectation] = []
    ids: set[str] = set()
    for position, config in enumerate(configs):
        kind, kwargs = config["type"], config["kwargs"]
        where = f"{shown}: expectations[{position}] ({kind})"
        impl = get_expectation_impl(kind)
        checked = checked_columns(kwargs)
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
        if kind in ROW_COUNT:
            strategy = "row_count"
        elif kind in EXTREMES and condition is None:
            strategy = "extremes"
        elif kind in UNIQUENESS and condition is None:
            strategy = "unique"
        elif per_row or kind in EXTREMES:
            strategy = "values"
        else:
            strategy = "rows"
        is_map = issubclass(impl, ColumnMapExpectation | ColumnPairMapExpectation | MulticolumnMapExpectation)
        reads = tuple(dict.fromkeys([*checked, *condition_columns]))
        planned.append(Expectation(position, kind, kwargs, config["meta"], check_id, label, strategy, reads, is_map))
    return planned


def checked_columns(kwargs: dict) -> list[str]:
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


def parameter_values(names: frozenset[str], moment: datetime) -> dict[str, datetime]:
    values = {}
    for name in names:
        direction, count, unit = _PARAMETER.match(name).groups()
        shift = timedelta(hours=int(count)) if unit == "h" else timedelta(days=int(count or 0))
        values[name] = moment - shift if direction == "minus" else moment + shift
    return values


def parameter_hours(name: str) -> float | None:
    """How far before the as-of moment an `as_of_minus_*` parameter lies, in hours."""
    match = _PARAMETER.match(name)
    if not match or match.group(1) != "minus":
        return None
    return float(match.group(2)) * (1 if match.group(3) == "h" else 24)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
