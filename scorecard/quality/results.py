"""One row per check, whatever ran it: the shape every check runner returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# pass, warn, fail: the check ran and judged. error: the check could not run.
# skipped: it ran but could not judge (for example an anomaly check with too little history);
# kept apart from pass so that "insufficient history" is never reported as "ok".
STATUSES = ("pass", "warn", "fail", "error", "skipped")
KINDS = ("freshness", "dbt_test", "gx", "anomaly")


@dataclass(frozen=True)
class CheckResult:
    check_id: str  # stable across runs, e.g. "anomaly.dau" or a dbt unique id
    kind: str  # one of KINDS
    target: str  # what was checked: a dbt unique id (source./model./metric.) or "kpi.<metric>"
    status: str  # one of STATUSES
    observed_value: float | None
    threshold: float | None
    message: str  # one line a reader understands without the code
    # Metrics the failing rows name, when the check knows them; empty means "follow lineage from target".
    metrics: tuple[str, ...] = field(default=())
    # The check measures how recent the data is (a GX expectation on the newest load, say): when it
    # fails the data is stale rather than broken.
    measures_freshness: bool = False

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown check status {self.status!r}")
        if self.kind not in KINDS:
            raise ValueError(f"unknown check kind {self.kind!r}")


def one_line(value: Any) -> str:
    """A message from elsewhere (an exception, dbt's error) as one line of a check's message, cut at 300
    characters: the line that `message` promises."""
    text = " ".join(str(value).split())
    return text if len(text) <= 300 else text[:297] + "..."
