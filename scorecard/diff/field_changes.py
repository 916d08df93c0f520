"""Compare two versions of a metric or semantic model (dicts from dbt's semantic_manifest.json) field by
field, and say what kind of change each is: a reviewer cares that an aggregation, a filter or a window
moved, not that line 212 of a YAML file did.

Lists of named things (measures, dimensions, entities, input metrics) are matched by name, so
reordering them is no change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot.errors import ParseError

from scorecard.diff.excerpt import excerpts

# the first rule whose key appears in a field's path names the kind of change
KINDS = (
    ("config.meta.kpi.target", "kpi_target"),
    ("config.meta.kpi.tolerance", "kpi_target"),
    ("config.meta.kpi.warn_at", "kpi_target"),
    ("config.meta.kpi.owner", "documentation"),
    ("config.meta.kpi.display", "documentation"),
    ("config.meta.kpi", "kpi_metadata"),
    ("filter", "filter"),
    ("window", "window"),
    ("offset_to_grain", "window"),
    ("grain_to_date", "window"),
    ("agg_params", "aggregation"),
    ("agg", "aggregation"),
    ("non_additive_dimension", "aggregation"),
    ("expr", "expression"),
    ("type", "type"),
    ("description", "documentation"),
    ("label", "documentation"),
)
NOT_SEMANTIC = {"documentation"}
SQL_KINDS = {"filter", "expression"}  # fields holding SQL, compared as parsed SQL rather than as text
_JINJA = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


@dataclass(frozen=True)
class FieldChange:
    path: str
    kind: str
    before: Any
    after: Any

    @property
    def semantic(self) -> bool:
        return self.kind not in NOT_SEMANTIC

    def describe(self) -> str:
        before, after = excerpts(_show(self.before), _show(self.after))
        return f"{self.path}: {before} → {after}"


def field_changes(base: dict, head: dict) -> list[FieldChange]:
    changes: list[FieldChange] = []
    _compare(base, head, "", changes)
    return changes


def kind_of(path: str) -> str:
    parts = path.split(".")
    for key, kind in KINDS:
        key_parts = key.split(".")
        if any(parts[i : i + len(key_parts)] == key_parts for i in range(len(parts))):
            return kind
    return "other"


def _compare(base: Any, head: Any, path: str, changes: list[FieldChange]) -> None:
    if isinstance(base, dict) and isinstance(head, dict):
        for key in sorted(base.keys() | head.keys()):
            _compare(base.get(key), head.get(key), f"{path}.{key}" if path else key, changes)
    elif _named_list(base) and _named_list(head):
        before = {item["name"]: item for item in base}
        after = {item["name"]: item for item in head}
        for name in sorted(before.keys() | after.keys()):
            _compare(before.get(name), after.get(name), f"{path}[{name}]", changes)
    elif _dict_list(base) and _dict_list(head) and len(base) == len(head):
        # unnamed entries in the same places, such as a filter's where_filters: compared entry by entry
        for i, (before, after) in enumerate(zip(base, head, strict=True)):
            _compare(before, after, f"{path}[{i}]", changes)
    elif base != head and not (_empty(base) and _empty(head)):
        kind = kind_of(path)
        if kind in SQL_KINDS and isinstance(base, str) and isinstance(head, str) and _same_sql(base, head):
            return
        changes.append(FieldChange(path, kind, base, head))


def _same_sql(base: str, head: str) -> bool:
    """Whether two SQL snippets of a filter or an expression say the same: spacing, keyword case and
    comments are formatting. The Jinja in a filter ({{ Dimension('user__platform') }}) is held out of
    the parse as a placeholder and compared as written, give or take spaces."""
    return _canonical_sql(base) == _canonical_sql(head)


def _canonical_sql(text: str) -> tuple[str, tuple[str, ...]]:
    calls: list[str] = []

    def hold(match: re.Match) -> str:
        calls.append("".join(match.group(1).split()))
        return f"__jinja_{len(calls) - 1}"

    sql = _JINJA.sub(hold, text)
    try:
        return sqlglot.parse_one(sql, dialect="duckdb").sql(dialect="duckdb", comments=False, normalize=True), tuple(
            calls
        )
    except ParseError:
        # never call a change formatting unchecked: only runs of whitespace are let go
        return " ".join(text.split()), ()


def _named_list(value: Any) -> bool:
    return _dict_list(value) and all("name" in i for i in value)


def _dict_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) for i in value)


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _show(value: Any) -> str:
    return "(none)" if value is None else str(value)
