"""A key result that moves a metric the wrong way for its KPI direction (raising a lower-is-better metric)."""

from __future__ import annotations

from scorecard.okrs.rules._common import metric_key_results, warning

RULE = "direction-against-metric"


def check(specs, catalog):
    issues = []
    for loaded, key_result, metric, where in metric_key_results(specs, catalog):
        direction = key_result.direction or _inferred(key_result)
        wrong = (direction == "increase" and metric.direction == "lower_is_better") or (
            direction == "decrease" and metric.direction == "higher_is_better"
        )
        if wrong:
            message = f"aims to {direction} '{metric.name}', which is {metric.direction.replace('_', ' ')}"
            issues.append(warning(loaded, (*where, "target"), RULE, message))
    return issues


def _inferred(key_result) -> str | None:
    target = key_result.target_amount()
    if target.kind in ("relative", "points"):
        return "increase" if target.value > 0 else "decrease"
    baseline = key_result.baseline_amount()
    if baseline is None or baseline.kind != "absolute" or target.value == baseline.value:
        return None
    return "increase" if target.value > baseline.value else "decrease"
