"""One data status per KPI from every check result that concerns it.

failed  a dbt test or GX expectation failed (or an anomaly check configured to fail)
stale   a source upstream is past its freshness error threshold
unknown a check upstream could not run, or no check has run for the date
warn    a check upstream warned (freshness warn band, warn-level test, anomaly)
ok      every check upstream passed
The worst wins; the reason names the checks behind it."""

from __future__ import annotations

from dataclasses import dataclass

from scorecard.quality.results import CheckResult

DATA_STATUSES = ("failed", "stale", "unknown", "warn", "ok")
_REASONS_SHOWN = 3


@dataclass(frozen=True)
class DataStatus:
    status: str
    reason: str


def data_status_of(result: CheckResult) -> str:
    if result.status == "fail":
        return "stale" if result.kind == "freshness" or result.measures_freshness else "failed"
    if result.status == "error":
        return "unknown"
    if result.status == "warn":
        return "warn"
    return "ok"  # pass, and skipped (nothing to judge is not a problem with the data)


def combine(results: list[CheckResult]) -> DataStatus:
    if not results:
        return DataStatus("unknown", "no data-quality check covers it")
    by_status: dict[str, list[CheckResult]] = {}
    for result in results:
        by_status.setdefault(data_status_of(result), []).append(result)
    worst = min(by_status, key=DATA_STATUSES.index)
    if worst == "ok":
        return DataStatus("ok", f"{len(results)} checks passed")
    culprits = sorted(by_status[worst], key=lambda r: r.check_id)
    shown = "; ".join(r.message for r in culprits[:_REASONS_SHOWN])
    more = f"; and {len(culprits) - _REASONS_SHOWN} more" if len(culprits) > _REASONS_SHOWN else ""
    return DataStatus(worst, shown + more)
