"""How many decimals a number needs to read on its own side of a limit (a KPI's target, a check's
threshold) when both are written to the same precision."""

from __future__ import annotations

from collections.abc import Iterable


def _side(number: float, limit: float) -> int:
    return (number > limit) - (number < limit)


def reads_on_its_side(number: float, limits: Iterable[float], places: int) -> bool:
    """Whether ``number`` rounded to ``places`` sits on the same side of every limit, rounded alike, as
    ``number`` does of the limit itself. Both are rounded because a reader compares them as written, and
    because 0.29 scaled to a percentage is 28.999999999999996, which no rounding of the number alone
    reads as equal to."""
    return all(_side(round(number, places), round(limit, places)) == _side(number, limit) for limit in limits)


def places_beside(number: float, limits: Iterable[float], fewest: int, most: int) -> int | None:
    """The fewest decimals, from ``fewest`` to ``most``, at which ``number`` reads on its own side of every
    limit; None when even ``most`` do not suffice."""
    limits = list(limits)
    return next((places for places in range(fewest, most + 1) if reads_on_its_side(number, limits, places)), None)
