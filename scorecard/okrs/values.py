"""Amounts as people write them in OKR specs: 0.3, "30%", "auto", "+20%" (relative) and "+3pp" (points)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_PERCENT = re.compile(r"^(-?\d+(?:\.\d+)?)\s*%$")
_RELATIVE = re.compile(r"^([+-]\d+(?:\.\d+)?)\s*%$")
_POINTS = re.compile(r"^([+-]\d+(?:\.\d+)?)\s*pp$")


@dataclass(frozen=True)
class Amount:
    """kind: absolute (value as given, percent converted to a fraction), auto, relative or points."""

    kind: str
    value: float | None
    is_percent: bool
    text: str

    @property
    def direction(self) -> str | None:
        """The way a relative or points target moves ("+20%" up, "-3pp" down); None for other forms. It
        holds even where the baseline is 0 and the target resolves to the baseline itself."""
        if self.kind not in ("relative", "points") or not self.value:
            return None
        return "increase" if self.value > 0 else "decrease"

    def resolve(self, baseline: float | None) -> float | None:
        """The absolute value, given the baseline for relative and points forms."""
        if self.kind == "absolute":
            return self.value
        if baseline is None or self.value is None:
            return None
        if self.kind == "relative":
            # of the baseline's size, so +25% raises a negative baseline too (-10% -> -7.5%, not -12.5%)
            return baseline + abs(baseline) * self.value
        if self.kind == "points":
            return baseline + self.value
        return None


def parse_amount(raw: object, *, allow_auto: bool = False, allow_relative: bool = False) -> Amount:
    amount = _parse_amount(raw, allow_auto=allow_auto, allow_relative=allow_relative)
    if amount.value is not None and not math.isfinite(amount.value):
        # YAML reads .nan and .inf as numbers, and float() reads "nan": none is a baseline or a target
        raise ValueError(f"'{amount.text}' is not a finite number")
    return amount


def _parse_amount(raw: object, *, allow_auto: bool, allow_relative: bool) -> Amount:
    if isinstance(raw, bool) or raw is None:
        raise ValueError("expected a number or a text like 30%")
    if isinstance(raw, int | float):
        return Amount("absolute", float(raw), False, str(raw))
    if not isinstance(raw, str):
        raise ValueError("expected a number or a text like 30%")
    text = raw.strip()
    if text == "auto":
        if not allow_auto:
            raise ValueError("'auto' is only allowed for a baseline")
        return Amount("auto", None, False, text)
    if allow_relative and (match := _RELATIVE.match(text)):
        return Amount("relative", float(match.group(1)) / 100, True, text)
    if allow_relative and (match := _POINTS.match(text)):
        return Amount("points", float(match.group(1)) / 100, True, text)
    if match := _PERCENT.match(text):
        return Amount("absolute", float(match.group(1)) / 100, True, text)
    try:
        return Amount("absolute", float(text), False, text)
    except ValueError:
        forms = "a number, 30%" + (", +20% or +3pp" if allow_relative else "") + (" or auto" if allow_auto else "")
        raise ValueError(f"'{text}' is not an amount: write {forms}") from None
