"""A relative target on a share or rate ("+5%" on a 30% retention), which moves it by 5% of itself (to
31.5%), where the author most often means 5 percentage points (to 35%): the percent-versus-points slip."""

from __future__ import annotations

from scorecard.okrs.rules._common import metric_key_results, warning

RULE = "relative-target-on-ratio"
# shows the two readings apart when the baseline is auto, so not known before the warehouse is read
EXAMPLE_BASELINE = 0.30


def check(specs, catalog):
    issues = []
    for loaded, key_result, metric, where in metric_key_results(specs, catalog):
        target = key_result.target_amount()
        if metric.is_share and target.kind == "relative":
            issues.append(warning(loaded, (*where, "target"), RULE, _message(target, key_result.baseline_amount())))
    return issues


def _message(target, baseline) -> str:
    written = baseline is not None and baseline.kind == "absolute"
    start = baseline.value if written else EXAMPLE_BASELINE
    size = f"{abs(target.value) * 100:g}"
    points = f"{'+' if target.value > 0 else '-'}{size}pp"
    reached = f"{_percent(target.resolve(start))}, not {_percent(start + target.value)}"
    example = (
        f"from {_percent(start)} it reaches {reached}"
        if written
        else f"from {_percent(start)} it would reach {reached}"
    )
    not_points = f"not {size} percentage points ({example})"
    return f"'{target.text}' is {size}% of the baseline, {not_points}; for points write {points}"


def _percent(share: float) -> str:
    return f"{share * 100:.4g}%"
