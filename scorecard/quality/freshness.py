"""Source freshness through dbt's own `dbt source freshness`, judged at the run's as-of moment.

dbt compares the newest `loaded_at_field` with the wall clock. The project's `collect_freshness`
override (macros/freshness/) compares with the as-of moment instead (the rule in ``as_of_moment``),
so a backfill or the fixed-date sample is judged as of its own date with the thresholds in sources.yml."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from scorecard.dbt import run_dbt
from scorecard.errors import StepFailed
from scorecard.quality.hours import hours_text
from scorecard.quality.results import CheckResult

_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0}
_STATUS = {"pass": "pass", "warn": "warn", "error": "fail", "runtime error": "error"}


def as_of_moment(as_of: date, now: datetime | None = None) -> datetime:
    """The moment data is judged at: the midnight after the as-of date, when that day's loads are
    complete, or now if that is earlier. Naive UTC, like the loaders' timestamps. The freshness macro
    (macros/freshness/collect_freshness.sql) applies the same rule inside dbt."""
    current = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    end_of_day = datetime.combine(as_of + timedelta(days=1), time())
    return min(current, end_of_day)


def check_freshness(project_dir: Path, warehouse: Path, as_of: date, moment: datetime) -> list[CheckResult]:
    run_dbt(project_dir, warehouse, ["source", "freshness"], as_of=as_of, allow_failures=True)
    return read_sources_json(project_dir / "target" / "sources.json", moment)


def read_sources_json(path: Path, moment: datetime) -> list[CheckResult]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StepFailed(f"{path}: cannot read dbt's source freshness results: {exc}") from exc
    return [_result(entry, moment) for entry in payload.get("results", [])]


def _result(entry: dict, moment: datetime) -> CheckResult:
    unique_id = entry["unique_id"]
    name = ".".join(unique_id.split(".")[2:])
    status = _STATUS.get(entry.get("status", ""), "error")
    criteria = entry.get("criteria") or {}
    warn_hours, error_hours = _hours(criteria.get("warn_after")), _hours(criteria.get("error_after"))
    if status == "error":
        message = f"source {name}: freshness could not be measured: {entry.get('error') or 'unknown error'}"
        return CheckResult(f"freshness.{name}", "freshness", unique_id, status, None, error_hours, message)
    age_hours = entry["max_loaded_at_time_ago_in_s"] / 3600
    loaded = datetime.fromisoformat(entry["max_loaded_at"]).replace(tzinfo=None)
    bands = ", ".join(
        f"{label} after {hours:g} h" for label, hours in (("warn", warn_hours), ("error", error_hours)) if hours
    )
    if loaded.year < 1900:  # dbt's stand-in for max() of an empty table
        age_hours, seen = None, "has no rows"
    else:
        age = hours_text(age_hours, (warn_hours, error_hours))
        seen = f"last loaded {loaded:%Y-%m-%d %H:%M}, {age} before {moment:%Y-%m-%d %H:%M}"
    message = f"source {name} {seen} ({bands})"
    return CheckResult(f"freshness.{name}", "freshness", unique_id, status, age_hours, error_hours, message)


def _hours(rule: dict | None) -> float | None:
    if not rule or rule.get("count") is None or rule.get("period") not in _HOURS:
        return None
    return rule["count"] * _HOURS[rule["period"]]
