"""A grain the metric is not computed at (`grain: week` on a quarterly quota's attainment) would score
no_data all cycle without saying why: warn, naming the grains kpi_values does hold for the metric."""

from __future__ import annotations

from scorecard.okrs.rules._common import key_results_at_grain, warning
from scorecard.periods import GRAINS

RULE = "unknown-grain"


def check(specs, catalog, grains: dict[str, set[str]]):
    """``grains``: metric -> the grains kpis.kpi_values holds it at. A metric it lacks (not built yet) is
    not judged."""
    issues = []
    for loaded, key_result, _, grain, where in key_results_at_grain(specs, catalog):
        known = grains.get(key_result.metric)
        if not known or grain in known:
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
