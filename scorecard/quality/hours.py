"""An age in hours as a check's message writes it beside the limits it was judged against."""

from __future__ import annotations

from collections.abc import Iterable


def _side(value: float, limit: float) -> int:
    return (value > limit) - (value < limit)


def hours_text(age: float, limits: Iterable[float | None]) -> str:
    """`age` to one decimal, or to as many more as it takes to sit on the same side of every limit as
    the age itself: 23.98 h against "warn after 24 h" passed, and "24.0 h" read as though it had not."""
    limits = [limit for limit in limits if limit is not None]
    for places in range(1, 7):
        text = f"{age:.{places}f}"
        if all(_side(float(text), limit) == _side(age, limit) for limit in limits):
            return f"{text} h"
    return f"{age} h"
