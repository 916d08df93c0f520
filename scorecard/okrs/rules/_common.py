"""What the lint rules share: turning a finding into a warning at the right line."""

from __future__ import annotations

from scorecard.okrs.issues import WARNING, Issue


def warning(loaded, location: tuple, rule: str, message: str) -> Issue:
    return Issue(loaded.file, loaded.line(*location), ".".join(str(p) for p in location), message, WARNING, rule)
