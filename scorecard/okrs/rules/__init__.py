"""Lint rules: each encodes one pitfall from the OKR literature and returns warnings, never raises."""

from __future__ import annotations

from scorecard.okrs.rules import (
    complete_after_deadline,
    direction_against_metric,
    kpi_dressed_as_okr,
    moved_goalposts,
    no_baseline,
    objective_has_numbers,
    okr_sprawl,
    output_as_key_result,
    relative_target_on_ratio,
    unaligned_objective,
    unknown_grain,
    unknown_segment_value,
)

DEFAULT_RULES = [
    objective_has_numbers,
    output_as_key_result,
    okr_sprawl,
    kpi_dressed_as_okr,
    no_baseline,
    direction_against_metric,
    relative_target_on_ratio,
    unaligned_objective,
    complete_after_deadline,
]


def run_rules(specs, catalog, recorded=None, segment_values=None, grains=None, rules=DEFAULT_RULES):
    """All warnings. What the warehouse holds, when there is one, feeds three more rules: ``recorded`` (the
    scored history) the goalposts rule, ``segment_values`` the segment-value rule, ``grains`` the grain rule."""
    issues = []
    for rule in rules:
        issues += rule.check(specs, catalog)
    if recorded:
        issues += moved_goalposts.check(specs, catalog, recorded)
    if segment_values:
        issues += unknown_segment_value.check(specs, catalog, segment_values)
    if grains:
        issues += unknown_grain.check(specs, catalog, grains)
    return issues
