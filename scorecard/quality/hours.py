"""Numbers as a check's message writes them beside the limits they were judged against: an age in
hours, a share of rows."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from scorecard.decimals import places_beside, reads_on_its_side

MOST_PLACES = 6


def beside_limits(value: float, limits: Iterable[float | None], usual: str) -> str:
    """``usual`` (the value as it is normally written), or the value to as many decimals (up to six) as
    it takes to sit on the same side of every limit, written to as many decimals, as the value itself."""
    limits = [limit for limit in limits if limit is not None]
    usual_places = max(0, -Decimal(usual).as_tuple().exponent)
    if reads_on_its_side(value, limits, usual_places):
        return usual
    places = places_beside(value, limits, usual_places + 1, MOST_PLACES)
    return str(value) if places is None else f"{value:.{places}f}"


def hours_text(age: float, limits: Iterable[float | None]) -> str:
    """`age` to one decimal, or to as many more as it takes: 23.98 h against "warn after 24 h" passed,
    and "24.0 h" read as though it had not."""
    return f"{beside_limits(age, limits, f'{age:.1f}')} h"
