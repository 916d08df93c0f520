"""The report's content: one pydantic model the HTML, Markdown and JSON renderings share.

`scorecard.json` is this model serialised; its JSON Schema is published as docs/report.schema.json
(`python scripts/write_report_schema.py` writes it; a test keeps the file in sync). Bump SCHEMA_VERSION's
major number when a field is removed or changes meaning, the minor number when one is added.
Non-finite numbers (an anomaly's observed value can be infinite) are written as null.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.2"

KeyResultStatus = Literal["missed", "off_track", "at_risk", "unverified", "no_data", "on_track", "achieved"]
DataStatusName = Literal["failed", "stale", "unknown", "warn", "ok"]
Display = Literal["percent", "number"]  # how a value reads: a ratio as a percentage, or a plain number
CheckStatus = Literal["pass", "warn", "fail", "error", "skipped"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", ser_json_inf_nan="null")


class Point(_Model):
    period_start: date
    period_end: date
    value: float | None


class Projection(_Model):
    value: float | None = Field(description="The straight-line fit's value at the deadline.")
    low: float | None = Field(description="Lower end of the 80% prediction interval at the deadline.")
    high: float | None = Field(description="Upper end of the 80% prediction interval at the deadline.")
    hit_probability: float | None = Field(description="Probability that the value at the deadline reaches the target.")
    note: str | None


class KeyResult(_Model):
    id: str
    html_id: str = Field(description="The id of the key result's element in scorecard.html.")
    title: str
    type: Literal["metric", "guardrail", "milestone"]
    owner: str | None
    metric: str | None
    metric_label: str | None
    unit: str | None
    display: Display | None
    segment: str | None = Field(description="`dimension=value` when the key result follows one segment.")
    grain: str | None
    direction: str | None
    baseline: float | None
    baseline_source: str | None = Field(description="`spec` or `auto` (the period before the cycle).")
    current: float | None
    current_period: Point | None
    target: float | None = Field(description="The target, or a guardrail's threshold.")
    progress: float | None = Field(description="Share of the way from baseline to target, clamped to [0, 1].")
    expected_progress: float | None = Field(description="Share of the cycle elapsed at the as-of date.")
    score: float | None
    status: KeyResultStatus
    previous_score: float | None = Field(description="The score at the previous weekly check-in.")
    score_change: float | None
    previous_status: KeyResultStatus | None
    projection: Projection | None
    data_status: DataStatusName | None
    data_status_reason: str | None
    score_as_of: date | None = Field(description="The check-in date the score comes from (earlier when data is bad).")
    cycle_start: date
    deadline: date
    owner_confidence: float | None
    owner_note: str | None
    initiatives: list[str]
    values: list[Point] = Field(description="The metric's complete periods over the cycle (and the baseline period).")

    @property
    def is_breached(self) -> bool:
        """A guardrail outside its band now (or, past the deadline, missed); on stale or failed data, outside
        it at its last verified check-in (its held score is below 1), so an alert reading the list does not
        clear the moment the data stops being trustworthy."""
        if self.type != "guardrail":
            return False
        held_outside = self.status == "unverified" and self.score is not None and self.score < 1
        return self.status in {"off_track", "missed"} or held_outside


class Objective(_Model):
    team: str
    cycle: str
    id: str
    html_id: str = Field(description="The id of the objective's element in scorecard.html.")
    title: str
    owner: str | None
    aligns_to: str | None
    score: float | None
    status: KeyResultStatus
    previous_score: float | None
    score_change: float | None
    previous_status: KeyResultStatus | None = Field(description="The status at the previous weekly check-in.")
    aligned_score: float | None = Field(description="Mean score of the team objectives aligned to this one.")
    spec_file: str | None
    key_results: list[KeyResult]


class NorthStar(_Model):
    metric: str
    label: str
    unit: str | None
    display: Display | None
    cadence: str
    value: float | None
    prior_value: float | None
    relative_change: float | None
    target: float | None
    period_end: date | None
    data_status: DataStatusName = Field(
        description="What the data-quality checks said of the data behind the metric on the as-of date; the value "
        "of a stale or failed one is shown as not verified."
    )
    data_status_reason: str
    trend: list[Point]


class Anomaly(_Model):
    status: CheckStatus
    robust_z: float | None
    message: str


class SegmentMove(_Model):
    dimension: str
    segment: str
    prior_value: float | None
    value: float | None
    change: float


class ArpuDecomposition(_Model):
    period_start: date
    period_end: date
    aov: float | None
    orders_per_buyer: float | None
    paying_user_share: float | None
    product: float | None = Field(description="aov × orders_per_buyer × paying_user_share; equals ARPU.")
    arpu: float | None


class Kpi(_Model):
    metric: str
    label: str
    owner: str | None
    unit: str | None
    display: Display | None
    direction: str | None
    cadence: str
    period_start: date | None
    period_end: date | None
    value: float | None
    target: float | None
    target_status: str = Field(description="on_target, near_target, off_target, no_target or no_data.")
    prior_value: float | None
    absolute_change: float | None
    relative_change: float | None
    trend: str | None
    data_status: DataStatusName | None
    data_status_reason: str | None
    anomaly: Anomaly | None
    moved_most: SegmentMove | None = Field(description="The segment whose value changed most from the prior period.")
    decomposition: ArpuDecomposition | None
    sparkline: list[Point]


class Diagnosis(_Model):
    objective: str = Field(description="team/objective id")
    kind: Literal["kpis_healthy_objective_off_track", "objective_on_track_kpis_unhealthy"]
    message: str


class CheckProblem(_Model):
    check_id: str
    kind: str
    target: str
    status: CheckStatus
    message: str
    affected_kpis: list[str]
    affected_key_results: list[str]


class DataQuality(_Model):
    checks: int
    by_status: dict[str, int]
    by_kind: dict[str, dict[str, int]]
    kpi_data_status: dict[str, int]
    problems: list[CheckProblem] = Field(description="Every check that did not pass, worst first.")


class Summary(_Model):
    objectives: int
    key_results: int
    key_results_by_status: dict[str, int]
    kpis: int
    kpis_by_target_status: dict[str, int]
    guardrails_breached: list[str] = Field(
        description="html ids of guardrail key results outside their band (on stale or failed data: at their "
        "last verified check-in)."
    )
    problems: bool = Field(
        description="True when a check failed or could not run (`error`), or data is stale: the run exits 1, or 2 "
        "when a check could not run."
    )


class Report(_Model):
    schema_version: Literal["1.2"] = SCHEMA_VERSION
    as_of: date
    generated_at: datetime = Field(
        description="When the report was written (UTC); the only part that differs between runs."
    )
    previous_check_in: date | None = Field(description="The check-in the score changes compare with.")
    summary: Summary
    north_star: NorthStar | None
    objectives: list[Objective]
    kpis: list[Kpi]
    diagnoses: list[Diagnosis]
    data_quality: DataQuality | None = Field(description="null when no data-quality check has run for the date.")


def json_schema() -> dict:
    schema = Report.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2) + "\n"
