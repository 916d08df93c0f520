"""Before and after of a long definition, cut to where they differ: a filter or a CASE expression cut
at its first 80 characters would often print the same on both sides of the arrow."""

from __future__ import annotations

WIDTH = 80
LEAD = 20  # characters kept before the first difference, so the change reads in context


def excerpts(before: str, after: str, width: int = WIDTH) -> tuple[str, str]:
    before, after = " ".join(before.split()), " ".join(after.split())
    if len(before) <= width and len(after) <= width:
        return before, after
    # the shorter one may be a prefix of the other: then they differ where it ends
    pairs = zip(before, after, strict=False)
    first = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(before), len(after)))
    start = max(0, first - LEAD)
    return _cut(before, start, width), _cut(after, start, width)


def _cut(text: str, start: int, width: int) -> str:
    head = "…" if start else ""
    body = text[start : start + width - len(head)]
    return head + body + ("…" if start + len(body) < len(text) else "")
