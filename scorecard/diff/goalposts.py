"""Goalpost checks for `scorecard diff`: what a change does to key results in a cycle under way.

Moving a running key result's target, baseline, threshold or metric rewrites what "on track" meant
when the cycle was planned; so does changing the definition of a metric a running key result is bound
to. Both are flagged for the reviewer. A key result whose metric no longer exists is a breaking
change. A cycle is under way when the as-of date falls inside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scorecard.diff.field_changes import field_changes
from scorecard.okrs.load import LoadedSpec

WATCHED = ("type", "metric", "target", "baseline", "threshold", "direction", "segment", "grain", "deadline")


@dataclass(frozen=True)
class Finding:
    kind: str  # goalpost_moved | definition_changed | metric_missing
    key_result: str  # team/cycle/objective/key result
    message: str


@dataclass(frozen=True)
class _KeyResult:
    fields: dict
    start: date
    end: date

    def running(self, as_of: date) -> bool:
        return self.start <= as_of <= self.end


def spec_changes(base: list[LoadedSpec], head: list[LoadedSpec]) -> dict[str, list[str]]:
    """Per key result (team/cycle/objective/key result): what changed in its spec, field by field."""
    before, after = _dumped(base), _dumped(head)
    changes = {}
    for ident in sorted(before.keys() | after.keys()):
        if ident not in after:
            changes[ident] = ["removed"]
        elif ident not in before:
            changes[ident] = ["added"]
        else:
            described = [change.describe() for change in field_changes(before[ident], after[ident])]
            if described:
                changes[ident] = described
    return changes


def _dumped(specs: list[LoadedSpec]) -> dict[str, dict]:
    return {
        f"{loaded.spec.team}/{loaded.spec.cycle_name}/{objective.id}/{kr.id}": kr.model_dump(mode="json")
        for loaded in specs
        for objective in loaded.spec.objectives
        for kr in objective.key_results
    }


def key_results(specs: list[LoadedSpec]) -> dict[str, _KeyResult]:
    found = {}
    for loaded in specs:
        start, end = loaded.spec.cycle_bounds()
        for objective in loaded.spec.objectives:
            for kr in objective.key_results:
                ident = f"{loaded.spec.team}/{loaded.spec.cycle_name}/{objective.id}/{kr.id}"
                fields = kr.model_dump(mode="json")
                found[ident] = _KeyResult({k: fields.get(k) for k in WATCHED}, start, end)
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
    for ident, kr in sorted(before.items()):
        # a head spec naming a metric that is gone does not load at head; the base still knows the key result
        metric = kr.fields.get("metric")
        if ident not in after and metric is not None and metric not in head_metrics:
            result.append(Finding("metric_missing", ident, f"{ident}: metric '{metric}' does not exist at head"))
    for ident, kr in sorted(after.items()):
        metric = kr.fields.get("metric")
        if metric is not None and metric not in head_metrics:
            result.append(Finding("metric_missing", ident, f"{ident}: metric '{metric}' does not exist at head"))
        if not kr.running(as_of):
            continue
        if ident in before:
            moved = [
                f"{name} {before[ident].fields[name]!r} → {kr.fields[name]!r}"
                for name in WATCHED
                if before[ident].fields[name] != kr.fields[name]
            ]
            if moved:
                result.append(
                    Finding(
                        "goalpost_moved",
                        ident,
                        f"{ident}: moved mid-cycle ({kr.start} to {kr.end}): " + "; ".join(moved),
                    )
                )
        if metric in changed_metrics:
            result.append(
                Finding(
                    "definition_changed",
                    ident,
                    f"{ident}: the definition of '{metric}' changed while the cycle ({kr.start} to {kr.end}) runs",
                )
            )
    return result
