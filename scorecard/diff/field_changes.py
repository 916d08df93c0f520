"""Compare two versions of a metric or semantic model (dicts from dbt's semantic_manifest.json) field by
field, and say what kind of change each is: a reviewer cares that an aggregation, a filter or a window
moved, not that line 212 of a YAML file did.

Lists of named things (measures, dimensions, entities, input metrics) are matched by name, so
reordering them is no change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
        return f"{self.path}: {_show(self.before)} → {_show(self.after)}"


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
    elif base != head and not (_empty(base) and _empty(head)):
        changes.append(FieldChange(path, kind_of(path), base, head))


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "name" in i for i in value)


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    text = " ".join(str(value).split())
    return text if len(text) <= 80 else text[:79] + "…"
