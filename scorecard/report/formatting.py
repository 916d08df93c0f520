"""How numbers and statuses read in the HTML and Markdown reports (the JSON keeps raw values).

Every status is a word and a symbol, never a colour alone, so a printout in black and white and a
reader who cannot tell red from green see the same thing."""

from __future__ import annotations

import math

from scorecard.decimals import places_beside

PERCENT_DECIMALS = 1
MAX_DECIMALS = 6

STATUS_WORDS = {
    "achieved": ("✔", "achieved"),
    "on_track": ("●", "on track"),
    "at_risk": ("▲", "at risk"),
    "off_track": ("✖", "off track"),
    "missed": ("✖", "missed"),
    "unverified": ("?", "unverified"),
    "no_data": ("–", "no data"),
}
TARGET_WORDS = {
    "on_target": ("✔", "meets target"),
    "near_target": ("▲", "near target"),
    "off_target": ("✖", "misses target"),
    "no_target": ("○", "no target"),
    "no_data": ("–", "no data"),
}
DATA_WORDS = {
    "ok": ("✔", "ok"),
    "warn": ("▲", "warning"),
    "unknown": ("?", "unchecked"),
    "stale": ("✖", "stale"),
    "failed": ("✖", "failed checks"),
}
CHECK_WORDS = {"pass": "pass", "warn": "warn", "fail": "FAIL", "error": "ERROR", "skipped": "skipped"}
UNIT_SUFFIX = {"minutes": " min", "hours": " h", "days": " d", "ms": " ms"}


def status_label(status: str | None) -> str:
    symbol, word = STATUS_WORDS.get(status or "no_data", ("", status or ""))
    return f"{symbol} {word}"


def target_label(target_status: str | None) -> str:
    symbol, word = TARGET_WORDS.get(target_status or "no_data", ("", target_status or ""))
    return f"{symbol} {word}"


# Data statuses under which a number must not be shown as current (docs/outputs.md, "Data status").
UNTRUSTED = ("stale", "failed")


def data_label(data_status: str | None) -> str:
    symbol, word = DATA_WORDS.get(data_status or "unknown", ("", data_status or ""))
    return f"{symbol} {word}"


def unit_of(item) -> str | None:
    """The unit a value is shown in: 'percent' for a ratio unless its KPI says display: number."""
    if item.unit == "ratio":
        return "number" if item.display == "number" else "percent"
    return item.unit


def value(number: float | None, unit: str | None, decimals: int | None = None) -> str:
    """A value in its unit (see unit_of): percentages, money with a currency sign, durations with units.
    ``decimals``: the precision, else the one the value's size calls for (see ``values``)."""
    if number is None or not math.isfinite(number):
        return "–"
    if number < 0:
        return "−" + value(-number, unit, decimals)
    if unit == "percent":
        return f"{number * 100:.{PERCENT_DECIMALS if decimals is None else decimals}f}%"
    places = _decimals(number, unit) if decimals is None else decimals
    if unit == "currency":
        return f"${number:,.{places}f}"
    return f"{number:,.{places}f}" + UNIT_SUFFIX.get(unit or "", "")


def values(numbers, unit: str | None) -> list[str]:
    """Values read side by side (baseline → current → target) at one precision: 7.50 → 7.61 → 9.00, not
    7.50 → 7.61 → 9."""
    shown = [abs(n) for n in numbers if n is not None and math.isfinite(n)]
    places = None if unit == "percent" else max((_decimals(n, unit) for n in shown), default=0)
    return [value(n, unit, places) for n in numbers]


def value_beside(number: float | None, target: float | None, unit: str | None) -> str:
    """``value``, or to as many more decimals (up to MAX_DECIMALS) as it takes to read on the same side of
    the target as it is: 7.9999 min "near target" beside a target of 8 min read "8.00 min"."""
    if number is None or target is None or not math.isfinite(number) or not math.isfinite(target) or number == target:
        return value(number, unit)
    scale = 100 if unit == "percent" else 1
    usual = PERCENT_DECIMALS if unit == "percent" else _decimals(abs(number), unit)
    places = places_beside(number * scale, [(target * scale, None)], usual, MAX_DECIMALS)
    return value(number, unit, MAX_DECIMALS if places is None else places)


def _decimals(number: float, unit: str | None) -> int:
    """How many decimals a value of this size shows: none for whole numbers and large ones."""
    if unit == "currency":
        # zero has no cents to show: "$0 to $813,356", not "$0.00 to $813,356"
        return 0 if abs(number) >= 1000 or number == 0 else 2
    if (number == int(number) and abs(number) < 1e15) or abs(number) >= 100:
        return 0
    return 1 if abs(number) >= 10 else 2


def change(number: float | None, unit: str | None) -> str:
    """A signed change in the value's unit: percentage points for percentages; ± when it shows as zero."""
    if number is None or not math.isfinite(number):
        return "–"
    shown = f"{abs(number) * 100:.1f} pp" if unit == "percent" else value(abs(number), unit)
    if not any(digit in shown for digit in "123456789"):
        return "±" + shown
    return ("+" if number > 0 else "−") + shown


def relative(number: float | None) -> str:
    if number is None or not math.isfinite(number):
        return "–"
    sign = "+" if number > 0 else "−" if number < 0 else "±"
    return f"{sign}{abs(number) * 100:.1f}%"


def share(number: float | None) -> str:
    return "–" if number is None or not math.isfinite(number) else f"{number * 100:.0f}%"


def score(number: float | None) -> str:
    return "–" if number is None or not math.isfinite(number) else f"{number:.2f}"


def status_change(previous: str | None, now: str) -> str:
    """`▲ at risk → ✖ off track` when the status moved since the previous check-in, else the status."""
    moved = previous is not None and previous != now
    return f"{status_label(previous)} → {status_label(now)}" if moved else status_label(now)


def projection(kr) -> str | None:
    """A key result's projection in words, the same in every report; None when it has none."""
    projected = kr.projection
    if projected is None:
        return None
    if projected.value is None:
        return projected.note
    middle, low, high = values((projected.value, projected.low, projected.high), unit_of(kr))
    return (
        f"{middle} at {kr.deadline} (80%: {low} to {high}), "
        f"{share(projected.hit_probability)} chance of reaching the target"
    )


def score_change(now: float | None, previous: float | None) -> str:
    """The change between the two scores as shown (0.78 then 0.67 is a change of 0.11 down, though 0.7758
    then 0.6736 is 0.1022), so that a reader's subtraction agrees with the column; the JSON keeps the
    exact change."""
    shown = (score(now), score(previous))
    if "–" in shown:
        return "–"
    cents = round((float(shown[0]) - float(shown[1])) * 100)
    if cents == 0:
        return "±0.00"
    return f"{'+' if cents > 0 else '−'}{abs(cents) / 100:.2f}"


def problems_found(quality) -> str:
    """What the report's data-quality section holds, counted: "2 failed checks and 39 KPIs on stale data",
    not the same three possibilities every day."""
    failed = quality.by_status.get("fail", 0)
    not_run = quality.by_status.get("error", 0)
    stale = quality.kpi_data_status.get("stale", 0)
    parts = [
        f"{failed} failed check{'' if failed == 1 else 's'}" if failed else "",
        f"{not_run} check{'' if not_run == 1 else 's'} that could not run" if not_run else "",
        f"{stale} KPI{'' if stale == 1 else 's'} on stale data" if stale else "",
    ]
    parts = [part for part in parts if part] or ["KPIs on failed checks"]
    return " and ".join(parts) if len(parts) < 3 else f"{parts[0]}, {parts[1]} and {parts[2]}"
