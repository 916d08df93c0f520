"""The "did you mean" hint of an error about a name that is none of the known ones."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: object, known: Iterable[object]) -> str:
    """` (did you mean 'x'?)` for the known name closest to `name`, or "" when none is close."""
    close = difflib.get_close_matches(str(name), sorted(str(choice) for choice in known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
