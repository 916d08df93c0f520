"""Without a baseline there is no honest target: write one, or baseline: auto."""

from __future__ import annotations

from scorecard.okrs.rules._common import warning

RULE = "no-baseline"


def check(specs, catalog):
    return [
        warning(
            loaded, ("objectives", o, "key_results", k), RULE, "no baseline; write the starting value or baseline: auto"
        )
        for loaded in specs
        for o, objective in enumerate(loaded.spec.objectives)
        for k, key_result in enumerate(objective.key_results)
        if key_result.type == "metric" and key_result.baseline is None
    ]
