"""A grain the metric is not computed at (`grain: week` on a quarterly quota's attainment) would score
no_data all cycle without saying why: warn, naming the grains kpi_values does hold for the metric. So
would a metric kpi_values does not hold at all (a KPI added since the last build): warn about that too."""

from __future__ import annotations

from scorecard.okrs.rules._common import key_results_at_grain, warning
from scorecard.periods import GRAINS

RULE = "unknown-grain"


def check(specs, catalog, grains: dict[str, set[str]]):
    """``grains``: metric -> the grains kpis.kpi_values holds it at; empty when nothing is built yet, and
    then nothing is judged."""
    issues = []
    for loaded, key_result, _, grain, where in key_results_at_grain(specs, catalog):
        if not grains:
            break
        known = grains.get(key_result.metric)
        if not known:
            message = (
                f"kpis.kpi_values has no rows for '{key_result.metric}' (a KPI added since the warehouse was last "
                "built, or one with no data): this key result scores no_data until `scorecard run` builds it"
            )
            issues.append(warning(loaded, where, RULE, message))
            continue
        if grain in known:
            continue
        issues.append(
            warning(
                loaded,
                where,
                RULE,
                f"kpis.kpi_values has '{key_result.metric}' at {', '.join(_ordered(known))} only, not at "
                f"{grain}: this key result scores no_data",
            )
        )
    return issues


def _ordered(grains: set[str]) -> list[str]:
    return sorted(grains, key=lambda g: (GRAINS.index(g) if g in GRAINS else len(GRAINS), g))
