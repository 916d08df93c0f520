"""The scoring formulas, as pure functions (docs/scoring.md has them with worked examples).

Scores use the 0.0-1.0 scale on which 0.7 is a success. Progress is kept raw (it may be negative or
above 1) and clamped to [0, 1] for the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

ON_TRACK_GAP = 0.10  # progress up to 10 points behind the straight line is on track
AT_RISK_GAP = 0.25  # up to 25 points behind is at risk; further behind is off track

# worst first: an objective takes the worst status among its key results. 'unverified' is a key result
# whose data is stale or failed (it shows its last good score, see data_gate.py).
STATUS_ORDER = ("missed", "off_track", "at_risk", "unverified", "no_data", "on_track", "achieved")


@dataclass(frozen=True)
class Cutoffs:
    on_track_gap: float = ON_TRACK_GAP
    at_risk_gap: float = AT_RISK_GAP


DEFAULT_CUTOFFS = Cutoffs()


def progress(baseline: float, target: float, current: float) -> float:
    """(current - baseline) / (target - baseline): 0 at the baseline, 1 at the target, any sign."""
    if target == baseline:
        raise ValueError("target equals baseline")
    return (current - baseline) / (target - baseline)


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def elapsed_share(start: date, deadline: date, as_of: date) -> float:
    """Share of the way from the cycle start to the deadline at the as-of date, 0 before, 1 after."""
    if deadline <= start:
        return 1.0
    return clamp((as_of - start).days / (deadline - start).days)


def metric_status(
    progress_raw: float | None,
    expected: float,
    as_of: date,
    deadline: date,
    hit_probability: float | None = None,
    cutoffs: Cutoffs = DEFAULT_CUTOFFS,
) -> str:
    """Status of a metric key result from its progress against the straight-line expectation.

    Reaching the target is achieved at any time; from the deadline on anything short of it is missed.
    Before that the gap to the expected progress decides, and a projection can move the status one
    step: off track but likely (>= 50%) to hit becomes at risk; on track but unlikely (< 20%) at risk.
    """
    if progress_raw is None:
        return "no_data"
    if progress_raw >= 1:
        return "achieved"
    if as_of >= deadline:
        return "missed"
    # rounded so that a gap of exactly 10 points counts as 10, not 10.000000000000009
    gap = round(expected - progress_raw, 9)
    if gap <= cutoffs.on_track_gap:
        status = "on_track"
    elif gap <= cutoffs.at_risk_gap:
        status = "at_risk"
    else:
        status = "off_track"
    likely = hit_probability is not None and hit_probability >= 0.5
    unlikely = hit_probability is not None and hit_probability < 0.2
    if (status == "off_track" and likely) or (status == "on_track" and unlikely):
        status = "at_risk"
    return status


def inside_band(value: float, threshold: float, direction: str) -> bool:
    """A guardrail's band includes its threshold: at_most 30% holds at exactly 30%."""
    return value <= threshold if direction == "at_most" else value >= threshold


def guardrail_score(current: float | None, threshold: float, direction: str) -> float | None:
    if current is None:
        return None
    return 1.0 if inside_band(current, threshold, direction) else 0.0


def guardrail_close_score(values: Sequence[float], threshold: float, direction: str) -> float | None:
    """At the deadline: the share of the cycle's periods spent inside the band."""
    if not values:
        return None
    return sum(inside_band(v, threshold, direction) for v in values) / len(values)


def guardrail_status(score: float | None, as_of: date, deadline: date, close_score: float | None) -> str:
    if score is None:
        return "no_data"
    if as_of >= deadline:
        return "achieved" if close_score == 1.0 else "missed"
    return "on_track" if score == 1.0 else "off_track"


def milestone_score(status: str) -> float:
    return 1.0 if status == "done" else 0.0


def milestone_status(status: str, expected: float, as_of: date, deadline: date) -> str:
    """Done is achieved; from the deadline on undone is missed; before it, how far the work lags the calendar."""
    if status == "done":
        return "achieved"
    if as_of >= deadline:
        return "missed"
    if status == "in_progress":
        return "on_track" if expected < 0.75 else "at_risk"
    if expected < 0.25:
        return "on_track"
    return "at_risk" if expected < 0.5 else "off_track"


def weighted_score(scores: Sequence[tuple[float | None, float]]) -> float | None:
    """Weighted mean of (score, weight) pairs, over the key results that have a score."""
    scored = [(score, weight) for score, weight in scores if score is not None]
    total = sum(weight for _, weight in scored)
    if not scored or total == 0:
        return None
    return sum(score * weight for score, weight in scored) / total


def worst_status(statuses: Sequence[str]) -> str:
    if not statuses:
        return "no_data"
    return min(statuses, key=STATUS_ORDER.index)
