"""Lint rules: each encodes one pitfall from the OKR literature and returns warnings, never raises."""

from __future__ import annotations

from scorecard.okrs.rules import (
    direction_against_metric,
    kpi_dressed_as_okr,
    moved_goalposts,
    no_baseline,
    objective_has_numbers,
    okr_sprawl,
    output_as_key_result,
    unaligned_objective,
)

DEFAULT_RULES = [
    objective_has_numbers,
    output_as_key_result,
    okr_sprawl,
    kpi_dressed_as_okr,
    no_baseline,
    direction_against_metric,
    unaligned_objective,
]


def run_rules(specs, catalog, recorded=None, rules=DEFAULT_RULES):
    """All warnings; ``recorded`` (the scored history, when there is one) feeds the goalposts rule."""
    issues = []
    for rule in rules:
        issues += rule.check(specs, catalog)
    if recorded:
        issues += moved_goalposts.check(specs, catalog, recorded)
    return issues
