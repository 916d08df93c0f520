"""A key result whose first period in the cycle is complete only after its deadline has nothing to score
while the cycle runs: a 90-day repurchase rate by first-purchase month in a quarter (October's cohort
matures at the end of January), or a quarterly metric in a six-week cycle. Warn, naming the day its first
value arrives, so the author picks a metric or grain the cycle can measure instead of finding out from a
quarter of no_data."""

from __future__ import annotations

from datetime import timedelta

from scorecard.okrs.rules._common import key_results_at_grain, warning
from scorecard.periods import GRAINS, data_end, period_end, period_label, period_start

RULE = "complete-after-deadline"


def check(specs, catalog):
    issues = []
    for loaded, key_result, metric, grain, where in key_results_at_grain(specs, catalog):
        if grain not in GRAINS:
            continue  # unknown-grain's finding
        cycle_start, cycle_end = loaded.spec.cycle_bounds()
        # the first period scored is the one the cycle starts in (a straddling week counts)
        first = period_start(cycle_start, grain)
        # a KPI measured by ISO week has a month that waits for the last week starting in it
        ends = data_end(first, grain, metric.finest_grain)
        maturity = max(metric.maturity_days, 0)
        complete_on = ends + timedelta(days=maturity)
        deadline = key_result.deadline or cycle_end
        if complete_on <= deadline:
            continue
        days = f"{maturity:g} day{'' if maturity == 1 else 's'}"
        if ends != period_end(first, grain):
            last_week = f"its last week, {period_start(ends, 'week')} to {ends}"
            why = f"is complete {days} after {last_week}" if maturity else f"ends with {last_week}"
        else:
            why = f"is complete {days} after it ends" if maturity else f"ends on {ends}"
        issues.append(
            warning(
                loaded,
                where,
                RULE,
                f"'{metric.name}' has no {grain} to score before {complete_on}: the first in the cycle, "
                f"{period_label(first, grain)}, {why}, past the deadline {deadline}; this key result "
                "scores no_data until then",
            )
        )
    return issues
