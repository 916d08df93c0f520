"""Where a key result is heading: a straight-line fit of its period values, projected to the deadline
with a prediction interval (80% by default) and the probability of reaching the target.

Ordinary least squares on (days since the cycle start, value); the prediction interval and the hit
probability come from Student's t with n - 2 degrees of freedom (scipy). Below three points there is
no projection ("not enough data") rather than an invented one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from scipy import stats

MIN_POINTS = 3
DEFAULT_LEVEL = 0.8


@dataclass(frozen=True)
class Projection:
    value: float | None
    low: float | None
    high: float | None
    hit_probability: float | None
    points: int
    note: str


def project(
    points: Sequence[tuple[date, float]],
    deadline: date,
    target: float,
    increasing: bool,
    level: float = DEFAULT_LEVEL,
    bounds: tuple[float | None, float | None] = (None, None),
) -> Projection:
    """Project the value at ``deadline`` from dated values; P(value at deadline reaches target).

    The value and its interval are clamped to ``bounds``, the values the metric can take (a share stays
    within 0..1, a duration above 0): a straight line runs through them, the metric cannot. The hit
    probability is the unclamped line's, which is the same for a target inside the bounds."""
    projection = _project(points, deadline, target, increasing, level)
    if projection.value is None:
        return projection
    low = float("-inf") if bounds[0] is None else float(bounds[0])
    high = float("inf") if bounds[1] is None else float(bounds[1])
    return replace(
        projection,
        value=min(max(projection.value, low), high),
        low=min(max(projection.low, low), high),
        high=min(max(projection.high, low), high),
    )


def _project(
    points: Sequence[tuple[date, float]], deadline: date, target: float, increasing: bool, level: float
) -> Projection:
    usable = sorted((d, v) for d, v in points if v is not None and math.isfinite(v))
    n = len(usable)
    if n < MIN_POINTS:
        return Projection(None, None, None, None, n, f"not enough data ({n} of {MIN_POINTS} points)")
    origin = usable[0][0]
    xs = [(d - origin).days for d, _ in usable]
    ys = [v for _, v in usable]
    x0 = (deadline - origin).days
    if len(set(xs)) < 2:
        return Projection(None, None, None, None, n, "not enough data (all points on one day)")
    fit = stats.linregress(xs, ys)
    predicted = fit.intercept + fit.slope * x0
    mean_x = sum(xs) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    residual = sum((y - (fit.intercept + fit.slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    dof = n - 2
    if dof == 0 or residual == 0:
        # a perfect line: the projection is certain
        reached = predicted >= target if increasing else predicted <= target
        return Projection(predicted, predicted, predicted, 1.0 if reached else 0.0, n, "exact fit")
    spread = math.sqrt(residual / dof) * math.sqrt(1 + 1 / n + (x0 - mean_x) ** 2 / sxx)
    half_width = stats.t.ppf(0.5 + level / 2, dof) * spread
    above = stats.t.sf((target - predicted) / spread, dof)
    probability = float(above if increasing else 1 - above)
    return Projection(predicted, predicted - half_width, predicted + half_width, probability, n, f"{n} points")
