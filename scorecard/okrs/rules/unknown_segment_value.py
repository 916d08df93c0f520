"""A segment value the warehouse has never seen (`platform: andriod`) would score no_data all cycle without
saying why: warn, naming the values kpi_values does hold for that metric and dimension."""

from __future__ import annotations

from scorecard.okrs.rules._common import warning
from scorecard.suggest import did_you_mean

RULE = "unknown-segment-value"


def check(specs, catalog, segment_values: dict[tuple[str, str], set[str]]):
    """``segment_values``: (metric, dimension) -> the values kpis.kpi_values holds. A pair it lacks (a
    metric not built yet) is not judged."""
    issues = []
    for loaded in specs:
        for o, objective in enumerate(loaded.spec.objectives):
            for k, key_result in enumerate(objective.key_results):
                if key_result.type == "milestone" or not key_result.segment:
                    continue
                ((dimension, value),) = key_result.segment.items()
                known = segment_values.get((key_result.metric, dimension))
                if not known or str(value) in known:
                    continue
                hint = did_you_mean(value, known)
                issues.append(
                    warning(
                        loaded,
                        ("objectives", o, "key_results", k, "segment", dimension),
                        RULE,
                        f"no {dimension} '{value}' in kpis.kpi_values for '{key_result.metric}' (values there: "
                        f"{', '.join(sorted(known))}){hint}: this key result scores no_data",
                    )
                )
    return issues
