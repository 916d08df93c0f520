"""Goalpost checks for `scorecard diff`: what a change does to key results in a cycle under way.

Moving a running key result's target, baseline, threshold or metric rewrites what "on track" meant
when the cycle was planned; so does changing the definition of a metric a running key result is bound
to. Both are flagged for the reviewer. A key result whose metric no longer exists is a breaking
change. A cycle is under way when the as-of date falls inside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scorecard.diff.field_changes import field_changes
from scorecard.diff.model import Finding
from scorecard.okrs.load import LoadedSpec

WATCHED = ("type", "metric", "target", "baseline", "threshold", "direction", "segment", "grain", "deadline")


@dataclass(frozen=True)
class _KeyResult:
    fields: dict  # the key result's spec, as JSON
    start: date
    end: date

    def running(self, as_of: date) -> bool:
        return self.start <= as_of <= self.end


def spec_changes(base: list[LoadedSpec], head: list[LoadedSpec]) -> dict[str, list[str]]:
    """Per key result (team/cycle/objective/key result): what changed in its spec, field by field."""
    before, after = key_results(base), key_results(head)
    changes = {}
    for ident in sorted(before.keys() | after.keys()):
        if ident not in after:
            changes[ident] = ["removed"]
        elif ident not in before:
            changes[ident] = ["added"]
        else:
            described = [change.describe() for change in field_changes(before[ident].fields, after[ident].fields)]
            if described:
                changes[ident] = described
    return changes


def key_results(specs: list[LoadedSpec]) -> dict[str, _KeyResult]:
    found = {}
    for loaded in specs:
        start, end = loaded.spec.cycle_bounds()
        for objective in loaded.spec.objectives:
            for kr in objective.key_results:
                ident = f"{loaded.spec.team}/{loaded.spec.cycle_name}/{objective.id}/{kr.id}"
                found[ident] = _KeyResult(kr.model_dump(mode="json"), start, end)
    return found


def findings(
    base: list[LoadedSpec],
    head: list[LoadedSpec],
    as_of: date,
    changed_metrics: set[str],
    head_metrics: set[str],
) -> list[Finding]:
    before, after = key_results(base), key_results(head)
    result = []
    # a key result only the base knows may be one whose head spec no longer loads: its metric went away
    for ident, kr in sorted({**before, **after}.items()):
        metric = kr.fields.get("metric")
        if metric is not None and metric not in head_metrics:
            message = f"{ident}: metric '{metric}' does not exist at head"
            result.append(Finding(kind="metric_missing", key_result=ident, message=message))
    for ident, kr in sorted(after.items()):
        if not kr.running(as_of):
            continue
        if ident in before:
            was = before[ident].fields
            moved = [
                f"{name} {was.get(name)!r} → {kr.fields.get(name)!r}"
                for name in WATCHED
                if was.get(name) != kr.fields.get(name)
            ]
            if moved:
                message = f"{ident}: moved mid-cycle ({kr.start} to {kr.end}): " + "; ".join(moved)
                result.append(Finding(kind="goalpost_moved", key_result=ident, message=message))
        metric = kr.fields.get("metric")
        if metric in changed_metrics:
            message = f"{ident}: the definition of '{metric}' changed while the cycle ({kr.start} to {kr.end}) runs"
            result.append(Finding(kind="definition_changed", key_result=ident, message=message))
    return result
