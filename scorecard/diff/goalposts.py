"""Goalpost checks for `scorecard diff`: what a change does to key results in a cycle under way.

Moving a running key result's target, baseline, threshold or metric rewrites what "on track" meant
when the cycle was planned; so does changing the definition of a metric a running key result is bound
to. Both are flagged for the reviewer. A key result whose metric no longer exists is a breaking
change. A cycle is under way when the as-of date falls inside it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from scorecard.diff.field_changes import field_changes
from scorecard.diff.model import Finding
from scorecard.okrs.load import LoadedSpec
from scorecard.okrs.values import parse_amount

WATCHED = ("type", "metric", "target", "baseline", "threshold", "direction", "segment", "grain", "deadline")
AMOUNTS = ("target", "baseline", "threshold")


@dataclass(frozen=True)
class _KeyResult:
    fields: dict  # the key result's spec, as JSON
    start: date
    end: date
    file: str  # the spec file, as LoadedSpec.file shows it

    def running(self, as_of: date) -> bool:
        return self.start <= as_of <= self.end


def spec_changes(base: list[LoadedSpec], head: list[LoadedSpec], unloadable: set[str]) -> dict[str, list[str]]:
    """Per key result (team/cycle/objective/key result): what changed in its spec, field by field.
    ``unloadable``: the head's spec files with errors; their key results are not known to be removed
    (the breaking findings name those files)."""
    before, after = key_results(base), key_results(head)
    changes = {}
    for ident in sorted(before.keys() | after.keys()):
        if ident not in after:
            if before[ident].file not in unloadable:
                changes[ident] = ["removed"]
        elif ident not in before:
            changes[ident] = ["added"]
        else:
            described = [
                change.describe()
                for change in field_changes(before[ident].fields, after[ident].fields)
                if not _same(change.path, change.before, change.after)
            ]
            if described:
                changes[ident] = described
    return changes


def _same(field: str, before, after) -> bool:
    """Equal as written or, for an amount, in value: `45%` and `0.45` are one target."""
    if before == after:
        return True
    if field not in AMOUNTS or before is None or after is None:
        return False
    try:
        was, now = (parse_amount(v, allow_auto=True, allow_relative=True) for v in (before, after))
    except ValueError:
        return False
    if was.kind != now.kind or (was.value is None) != (now.value is None):
        return False
    return was.value is None or math.isclose(was.value, now.value, rel_tol=1e-12, abs_tol=1e-15)


def key_results(specs: list[LoadedSpec]) -> dict[str, _KeyResult]:
    found = {}
    for loaded in specs:
        start, end = loaded.spec.cycle_bounds()
        for objective in loaded.spec.objectives:
            for kr in objective.key_results:
                ident = f"{loaded.spec.team}/{loaded.spec.cycle_name}/{objective.id}/{kr.id}"
                found[ident] = _KeyResult(kr.model_dump(mode="json"), start, end, loaded.file)
    return found


def findings(
    base: list[LoadedSpec],
    head: list[LoadedSpec],
    as_of: date,
    changed_metrics: set[str],
    head_metrics: set[str],
    unloadable: set[str] = frozenset(),
    renamed_to: dict[str, str] | None = None,
    cadence_changes: dict[str, tuple[str, str]] | None = None,
) -> list[Finding]:
    """``unloadable``: the head's spec files with errors; ``renamed_to``: KPIs renamed at head, values
    untouched (base name to head name); ``cadence_changes``: KPIs whose cadence differs (base, head)."""
    before, after = key_results(base), key_results(head)
    result = []
    for ident, kr in sorted({**before, **after}.items()):
        metric = kr.fields.get("metric")
        # a key result only the base knows breaks when its file no longer loads at head (the metric going
        # away is a reason it would not); removed from a spec that loads, it is gone with its metric
        kept = ident in after or kr.file in unloadable
        if metric is not None and metric not in head_metrics and kept:
            message = f"{ident}: metric '{metric}' does not exist at head"
            if renamed := (renamed_to or {}).get(metric):
                message += f"; '{renamed}' has its values at head (a rename?): bind the key result to '{renamed}'"
            result.append(Finding(kind="metric_missing", key_result=ident, message=message))
    for ident, kr in sorted(after.items()):
        if not kr.running(as_of):
            continue
        if ident in before:
            was = before[ident].fields
            moved = [
                f"{name} {was.get(name)!r} → {kr.fields.get(name)!r}"
                for name in WATCHED
                if not _same(name, was.get(name), kr.fields.get(name))
            ]
            moved += _cadence_move(was, kr.fields, cadence_changes or {})
            if moved:
                message = f"{ident}: moved mid-cycle ({kr.start} to {kr.end}): " + "; ".join(moved)
                result.append(Finding(kind="goalpost_moved", key_result=ident, message=message))
        metric = kr.fields.get("metric")
        if metric in changed_metrics:
            message = f"{ident}: the definition of '{metric}' changed while the cycle ({kr.start} to {kr.end}) runs"
            result.append(Finding(kind="definition_changed", key_result=ident, message=message))
    return result


def cadence_changes(base: dict[str, str], head: dict[str, str]) -> dict[str, tuple[str, str]]:
    """KPIs on both sides whose cadence differs: name -> (base cadence, head cadence)."""
    return {name: (base[name], cadence) for name, cadence in head.items() if base.get(name, cadence) != cadence}


def _cadence_move(was: dict, now: dict, cadence_changes: dict[str, tuple[str, str]]) -> list[str]:
    """A key result with no grain of its own is measured at its KPI's cadence: a new cadence moves it to
    another grain as surely as a new `grain:` would, and an auto baseline frozen from a week's value is
    then compared with months."""
    metric = now.get("metric")
    if was.get("grain") or now.get("grain") or was.get("metric") != metric or metric not in cadence_changes:
        return []
    before, after = cadence_changes[metric]
    frozen = " (its auto baseline was frozen at the old grain)" if now.get("baseline") == "auto" else ""
    return [f"grain, following the cadence of '{metric}', {before!r} → {after!r}{frozen}"]
