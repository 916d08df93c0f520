"""The data gate on check-ins: a key result whose data is stale or failed keeps its last good score,
marked, and never gets a fresh status. "An old number never passes as current."

A good check-in is one whose data was not stale or failed. The held check-in's status is 'unverified'
and score_as_of names the date the shown score was earned (null when there is no good one yet). Its
projection is that check-in's too: one fitted to the untrusted values would move the chance of reaching
the target while the score stands still."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scorecard.quality.status import DataStatus

HELD_STATUS = "unverified"
BLOCKING = ("stale", "failed")


# the okr_checkins columns a held check-in takes from its last good one, besides the score
PROJECTION_COLUMNS = ("projection", "projection_low", "projection_high", "hit_probability", "projection_note")


@dataclass(frozen=True)
class GoodScore:
    as_of: date
    score: float | None
    progress: float | None
    projection: tuple = (None, None, None, None, None)  # PROJECTION_COLUMNS' values


def not_checked(as_of: date) -> DataStatus:
    return DataStatus("unknown", f"data-quality checks have not run for {as_of}")


def not_covered(as_of: date) -> DataStatus:
    """The checks ran for the date, and give every KPI then defined a status: this one came after them."""
    return DataStatus("unknown", f"the data-quality checks for {as_of} ran before the KPI was defined")


def recorded_status(statuses: dict[str, DataStatus] | None, metric: str, as_of: date) -> DataStatus:
    """The data status the checks for ``as_of`` gave ``metric`` (``statuses``: store.read_kpi_statuses,
    None when no check has run for the date)."""
    if statuses is None:
        return not_checked(as_of)
    return statuses.get(metric) or not_covered(as_of)


def apply_gate(checkin: dict, data_status: DataStatus, last_good: GoodScore | None) -> None:
    checkin["data_status"] = data_status.status
    checkin["data_status_reason"] = data_status.reason
    if data_status.status not in BLOCKING:
        checkin["score_as_of"] = checkin["as_of"]
        return
    checkin["status"] = HELD_STATUS
    checkin["score"] = last_good.score if last_good else None
    checkin["progress"] = last_good.progress if last_good else None
    checkin["score_as_of"] = last_good.as_of if last_good else None
    held = (
        last_good.projection if last_good else (None, None, None, None, "no projection: no check-in on good data yet")
    )
    checkin.update(zip(PROJECTION_COLUMNS, held, strict=True))
