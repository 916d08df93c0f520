"""Numbers as a check's message writes them beside the limits they were judged against: an age in
hours, a share of rows."""

from __future__ import annotations

from collections.abc import Iterable


def _side(value: float, limit: float) -> int:
    return (value > limit) - (value < limit)


def beside_limits(value: float, limits: Iterable[float | None], usual: str) -> str:
    """``usual`` (the value as it is normally written), or the value to as many decimals (up to six) as
    it takes to sit on the same side of every limit as the value itself."""
    limits = [limit for limit in limits if limit is not None]
    for text in (usual, *(f"{value:.{places}f}" for places in range(1, 7))):
        if all(_side(float(text), limit) == _side(value, limit) for limit in limits):
            return text
    return str(value)


def hours_text(age: float, limits: Iterable[float | None]) -> str:
    """`age` to one decimal, or to as many more as it takes: 23.98 h against "warn after 24 h" passed,
    and "24.0 h" read as though it had not."""
    return f"{beside_limits(age, limits, f'{age:.1f}')} h"
