"""What the lint rules share: turning a finding into a warning at the right line."""

from __future__ import annotations

from scorecard.okrs.issues import WARNING, Issue


def warning(loaded, location: tuple, rule: str, message: str) -> Issue:
    return Issue(loaded.file, loaded.line(*location), ".".join(str(p) for p in location), message, WARNING, rule)


def key_results_at_grain(specs, catalog):
    """Each key result on a catalog metric (not a milestone) as (loaded, key result, metric, grain, where):
    the grain it is scored at (its own, else the metric's cadence), and where that grain is set (its
    `grain:` line when written, else the key result), for rules about what the grain can measure."""
    for loaded in specs:
        for o, objective in enumerate(loaded.spec.objectives):
            for k, key_result in enumerate(objective.key_results):
                if key_result.type == "milestone" or key_result.metric not in catalog:
                    continue
                metric = catalog[key_result.metric]
                where = ("objectives", o, "key_results", k) + (("grain",) if key_result.grain else ())
                yield loaded, key_result, metric, key_result.grain or metric.cadence, where


def metric_key_results(specs, catalog):
    """Each key result of type metric (not a guardrail or milestone) on a catalog metric, as (loaded,
    key result, metric, where): where is its location in the spec, for a warning at one of its lines."""
    for loaded in specs:
        for o, objective in enumerate(loaded.spec.objectives):
            for k, key_result in enumerate(objective.key_results):
                if key_result.type == "metric" and key_result.metric in catalog:
                    yield loaded, key_result, catalog[key_result.metric], ("objectives", o, "key_results", k)
