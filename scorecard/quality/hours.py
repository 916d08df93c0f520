"""Numbers as a check's message writes them beside the limits they were judged against: an age in
hours, a share of rows."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal

from scorecard.decimals import places_beside

MOST_PLACES = 6


def beside_limits(value: float, limits: Sequence[tuple[float, float]], usual: str) -> str:
    """``usual`` (the value as it is normally written), or the value to as many decimals (up to six) as it
    takes to read on its own side of every limit as the message writes it. ``limits``: each limit with its
    value as written (0.25 h written "0.25 h"; a share of 0.29 written "29.0%")."""
    if not limits or not math.isfinite(value):
        return usual
    usual_places = max(0, -Decimal(usual).as_tuple().exponent)
    places = places_beside(value, limits, usual_places, MOST_PLACES)
    if places is None:
        return str(value)
    return usual if places == usual_places else f"{value:.{places}f}"


def hours_text(age: float, limits: Iterable[float | None]) -> str:
    """`age` to one decimal, or to as many more as it takes: 23.98 h against "warn after 24 h" passed,
    and "24.0 h" read as though it had not. The limits are written as `{hours:g}`."""
    written = [(limit, float(f"{limit:g}")) for limit in limits if limit is not None]
    return f"{beside_limits(age, written, f'{age:.1f}')} h"
