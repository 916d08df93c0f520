"""What `scorecard diff` found: one pydantic model, written as JSON for bots and rendered as Markdown
for a pull-request comment. Its JSON Schema is published as docs/diff.schema.json (a test keeps it in
sync); bump SCHEMA_VERSION's major number when a field is removed or changes meaning."""

from __future__ import annotations

import json
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.3"  # 1.1: kpi_statuses; 1.2: their base_cadence and base_period_start; 1.3: renamed_kpis


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", ser_json_inf_nan="null")


class DefinitionChange(_Model):
    kind: Literal["metric", "semantic_model", "model", "macro", "key_result"]
    name: str
    change: Literal["added", "removed", "modified"]
    semantic: bool = Field(description="False for a change to formatting, comments or documentation only.")
    details: list[str] = Field(description="What changed in meaning: fields, clauses, columns.")


class Lineage(_Model):
    models: list[str] = Field(description="Models changed or downstream of a change, the KPI models included.")
    semantic_models: list[str]
    metrics: list[str]
    kpis: list[str] = Field(description="The affected metrics that are KPIs (in kpi_values).")
    key_results: list[str] = Field(
        description="Key results, in any cycle, bound to an affected metric or whose spec changed."
    )


class RowChange(_Model):
    period_start: date
    segment: str = Field(description="'all' for the total, else dimension=value.")
    before: float | None
    after: float | None


class MetricValues(_Model):
    metric: str
    grain: str
    changed_periods: int
    total_periods: int
    changed_rows: int = Field(description="Rows (the total and every segment) that differ, appear or disappear.")
    largest_absolute: RowChange | None
    largest_relative: RowChange | None


class KpiStatusChange(_Model):
    metric: str
    cadence: str
    period_start: date | None = Field(description="The latest complete period at the cadence (head's, else base's).")
    base_cadence: str | None = Field(None, description="The base's cadence; None: no KPI there.")
    base_period_start: date | None = Field(
        None, description="The base's latest complete period, which differs from period_start when the cadence does."
    )
    base_value: float | None
    head_value: float | None
    base_target: float | None
    head_target: float | None
    base_status: str | None = Field(description="kpi_status.target_status at the base; None: no KPI there.")
    head_status: str | None = Field(description="kpi_status.target_status at head; None: no KPI there.")
    changed: bool = Field(description="The target status differs: the KPI's tile changes.")


class RenamedKpi(_Model):
    base_metric: str
    head_metric: str
    rows: int = Field(description="kpi_values rows of the KPI, equal one for one on both sides.")


class KeyResultImpact(_Model):
    key_result: str = Field(description="team/cycle/objective/key result")
    metric: str | None
    base_score: float | None
    base_status: str | None = Field(description="None: the key result does not exist at the base.")
    head_score: float | None
    head_status: str | None = Field(description="None: the key result does not exist or cannot be scored at head.")
    changed: bool


class Finding(_Model):
    kind: Literal["goalpost_moved", "definition_changed", "metric_missing", "invalid_spec"]
    key_result: str | None
    message: str


class DiffReport(_Model):
    schema_version: str = SCHEMA_VERSION
    base: str
    head: str
    as_of: date
    values_changed: bool = Field(
        description="A KPI value, a KPI's target status or a key result's score or status changes: exit 1."
    )
    breaking: list[Finding] = Field(description="Key results whose metric is gone or whose spec no longer loads.")
    goalposts: list[Finding] = Field(description="Running key results whose goalposts or definitions moved.")
    key_results: list[KeyResultImpact]
    metric_values: list[MetricValues]
    kpi_statuses: list[KpiStatusChange] = Field(
        description="KPIs whose kpis.kpi_status row differs in target status, target, cadence or period, or "
        "that are KPIs on one side only; empty when no KPI model was built."
    )
    renamed_kpis: list[RenamedKpi] = Field(
        [],
        description="A KPI only at the base and one only at head with the same kpi_values rows (grains, "
        "periods, segments, values): a rename with the values untouched. Its rows still count in metric_values "
        "and values_changed, since what reads the KPI by name (key results, dashboards) must change with it.",
    )
    definition_changes: list[DefinitionChange]
    lineage: Lineage
    built_models: list[str] = Field(description="The models built for each side (the same names on both).")


def schema_text() -> str:
    schema = DiffReport.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2) + "\n"
