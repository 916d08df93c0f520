"""A key result that moves a metric the wrong way for its KPI direction (raising a lower-is-better metric).

Lint judges the direction a key result states or its spec implies. Against an auto baseline it is known
only once scored (3.99% resolved, target 4%: up, on a lower-is-better rate), so score checks those
again with the baseline it resolved (``against_scored``)."""

from __future__ import annotations

from scorecard.okrs.rules._common import metric_key_results, warning

RULE = "direction-against-metric"


def check(specs, catalog):
    issues = []
    for loaded, key_result, metric, where in metric_key_results(specs, catalog):
        direction = key_result.direction or _inferred(key_result)
        if _against(direction, metric):
            message = f"aims to {direction} '{metric.name}', which is {_words(metric)}"
            issues.append(warning(loaded, (*where, "target"), RULE, message))
    return issues


def against_scored(specs, catalog, key_results: list[dict]):
    """The key results lint could not judge (an auto baseline, no stated direction) whose scored direction
    runs against their KPI's: ``key_results`` are the scored okr_key_results rows."""
    scored = {(r["team"], r["cycle"], r["objective_id"], r["key_result_id"]): r for r in key_results}
    for loaded, key_result, metric, where in metric_key_results(specs, catalog):
        if key_result.direction or _inferred(key_result):
            continue  # lint's to judge
        objective = loaded.spec.objectives[where[1]]
        row = scored.get((loaded.spec.team, loaded.spec.cycle_name, objective.id, key_result.id))
        if row is None or row.get("baseline_source") != "auto" or not _against(row["direction"], metric):
            continue
        yield warning(
            loaded,
            (*where, "target"),
            RULE,
            f"aims to {row['direction']} '{metric.name}', which is {_words(metric)}: the auto baseline is "
            f"{row['baseline_value']:g} and the target {row['target_value']:g}, so progress counts the wrong "
            "way; for a limit to stay within, make it a guardrail",
        )


def _against(direction: str | None, metric) -> bool:
    return (direction == "increase" and metric.direction == "lower_is_better") or (
        direction == "decrease" and metric.direction == "higher_is_better"
    )


def _words(metric) -> str:
    return metric.direction.replace("_", " ")


def _inferred(key_result) -> str | None:
    target = key_result.target_amount()
    if target.kind in ("relative", "points"):
        return "increase" if target.value > 0 else "decrease"
    baseline = key_result.baseline_amount()
    if baseline is None or baseline.kind != "absolute" or target.value == baseline.value:
        return None
    return "increase" if target.value > baseline.value else "decrease"
