"""A key result that moves a metric the wrong way for its KPI direction (raising a lower-is-better metric)."""

from __future__ import annotations

from scorecard.okrs.rules._common import warning

RULE = "direction-against-metric"


def check(specs, catalog):
    issues = []
    for loaded in specs:
        for o, objective in enumerate(loaded.spec.objectives):
            for k, key_result in enumerate(objective.key_results):
                if key_result.type != "metric" or key_result.metric not in catalog:
                    continue
                direction = key_result.direction or _inferred(key_result)
                metric = catalog[key_result.metric]
                wrong = (direction == "increase" and metric.direction == "lower_is_better") or (
                    direction == "decrease" and metric.direction == "higher_is_better"
                )
                if wrong:
                    issues.append(
                        warning(
                            loaded,
                            ("objectives", o, "key_results", k, "target"),
                            RULE,
                            f"aims to {direction} '{metric.name}', which is {metric.direction.replace('_', ' ')}",
                        )
                    )
    return issues


def _inferred(key_result) -> str | None:
    target = key_result.target_amount()
    if target.kind in ("relative", "points"):
        return "increase" if target.value > 0 else "decrease"
    baseline = key_result.baseline_amount()
    if baseline is None or baseline.kind != "absolute" or target.value == baseline.value:
        return None
    return "increase" if target.value > baseline.value else "decrease"
