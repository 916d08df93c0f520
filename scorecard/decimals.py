"""How many decimals a number needs to read on its own side of a limit (a KPI's target, a check's
threshold): written to fewer, 7.9999 min beside a target of 8 min reads "8.00 min", and an age of 23.98 h
beside "error after 24 h" reads "24.0 h", as though it were on the limit."""

from __future__ import annotations

from collections.abc import Sequence


def side(number: float, limit: float) -> int:
    return (number > limit) - (number < limit)


def places_beside(number: float, limits: Sequence[tuple[float, float | None]], fewest: int, most: int) -> int | None:
    """The fewest decimals, from ``fewest`` to ``most``, at which ``number`` rounded sits on the same side
    of every limit as ``number`` does of the limit itself; None when even ``most`` do not suffice.

    Each limit comes with the value a reader compares the number with: the limit as it is written beside
    the number (a check's threshold, written once, in full), or None for the limit written to as many
    decimals as the number (a KPI's target in its tile). The side itself is the limit's, not the written
    one's: 0.29 scaled to a percentage is 28.999999999999996, on a limit of 0.29 so scaled, and reads
    "29.0" beside "29.0"."""
    for places in range(fewest, most + 1):
        shown = round(number, places)
        if all(
            side(shown, round(limit, places) if written is None else written) == side(number, limit)
            for limit, written in limits
        ):
            return places
    return None
