"""Stage 2 of loading a spec: the OKR file format as pydantic models (also the published JSON Schema).

One file per team and cycle. Unknown keys are errors (extra="forbid"), so a typo never passes silently.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from scorecard.okrs.values import Amount, parse_amount
from scorecard.periods import Grain

Identifier = Annotated[
    str,
    Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64, description="Lowercase letters, digits, - and _."),
]


def _not_a_boolean(value: Any) -> Any:
    # pydantic would read `target: true` as 1.0, a 100% nobody wrote
    if isinstance(value, bool):
        raise ValueError("expected a number or a text like 30%, not true or false")
    return value


AmountText = Annotated[
    float | str,
    BeforeValidator(_not_a_boolean),
    Field(description="A number, a percentage such as '30%', or for targets '+20%' or '+3pp'."),
]

_QUARTER = re.compile(r"^([1-9]\d{3})-Q([1-4])$")  # years 1000-9999: every quarter is a real date range


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CycleRange(_Spec):
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> CycleRange:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class CheckIn(_Spec):
    """An owner's weekly check-in: how confident they are the key result will be reached."""

    date: date
    confidence: float = Field(ge=0, le=1, description="0 to 1.")
    note: str | None = None


class _KeyResultBase(_Spec):
    id: Identifier
    title: str | None = Field(None, max_length=300)
    owner: str | None = None
    weight: float = Field(1.0, ge=0, allow_inf_nan=False, description="Weight in the objective's score (default 1).")
    deadline: date | None = Field(None, description="Default: the end of the cycle.")
    initiatives: list[str] = Field(default_factory=list, description="The planned work that should move it.")
    check_ins: list[CheckIn] = Field(default_factory=list)


class MetricKeyResult(_KeyResultBase):
    """A measurable outcome: a metric moving from a baseline to a target by the deadline."""

    type: Literal["metric"] = "metric"
    metric: str
    baseline: AmountText | None = Field(
        None, description="A number, '30%', or 'auto' (the last period before the cycle)."
    )
    target: AmountText
    segment: dict[str, str] | None = Field(
        None, description="One declared dimension of the metric, e.g. {platform: ios}."
    )
    direction: Literal["increase", "decrease"] | None = Field(None, description="Inferred from baseline and target.")
    grain: Grain | None = Field(None, description="Default: the metric's KPI cadence.")

    @field_validator("baseline")
    @classmethod
    def _baseline(cls, value: Any) -> Any:
        if value is not None:
            parse_amount(value, allow_auto=True)
        return value

    @field_validator("target")
    @classmethod
    def _target(cls, value: Any) -> Any:
        parse_amount(value, allow_relative=True)
        return value

    @field_validator("segment")
    @classmethod
    def _one_dimension(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is not None and len(value) != 1:
            raise ValueError("a segment names exactly one dimension, e.g. {platform: ios}")
        return value

    def baseline_amount(self) -> Amount | None:
        return None if self.baseline is None else parse_amount(self.baseline, allow_auto=True)

    def target_amount(self) -> Amount:
        return parse_amount(self.target, allow_relative=True)


class GuardrailKeyResult(_KeyResultBase):
    """A metric that must stay inside a band while the other key results move."""

    type: Literal["guardrail"]
    metric: str
    threshold: AmountText
    direction: Literal["at_most", "at_least"]
    segment: dict[str, str] | None = None
    grain: Grain | None = None

    @field_validator("threshold")
    @classmethod
    def _threshold(cls, value: Any) -> Any:
        parse_amount(value)
        return value

    def threshold_amount(self) -> Amount:
        return parse_amount(self.threshold)


class MilestoneKeyResult(_KeyResultBase):
    """A deliverable that is done or not: scored 1 when done, else 0."""

    type: Literal["milestone"]
    title: str = Field(max_length=300)
    status: Literal["not_started", "in_progress", "done"]
    done_on: date | None = None

    @model_validator(mode="after")
    def _done_on(self) -> MilestoneKeyResult:
        if self.done_on is not None and self.status != "done":
            raise ValueError("done_on is only allowed when status is done")
        return self


def _key_result_type(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("type", "metric"))
    return getattr(value, "type", "metric")


KeyResult = Annotated[
    Annotated[MetricKeyResult, Tag("metric")]
    | Annotated[GuardrailKeyResult, Tag("guardrail")]
    | Annotated[MilestoneKeyResult, Tag("milestone")],
    Discriminator(
        _key_result_type,
        custom_error_type="key_result_type",
        custom_error_message="type must be metric, guardrail or milestone",
    ),
]
KEY_RESULT_TAGS = ("metric", "guardrail", "milestone")


class Objective(_Spec):
    """Qualitative and ambitious; its key results say how we will know we got there."""

    id: Identifier
    title: str = Field(min_length=1, max_length=300)
    owner: str | None = None
    aligns_to: str | None = Field(None, pattern=r"^[a-z0-9_-]+/[a-z0-9_-]+$", description="<team>/<objective id>.")
    key_results: list[KeyResult] = Field(min_length=1)


class OkrFile(_Spec):
    """One team's OKRs for one cycle."""

    cycle: str | CycleRange = Field(description="YYYY-Qn, or {start: 2026-10-01, end: 2026-12-31}.")
    team: Identifier
    owner: str | None = None
    north_star: str | None = Field(None, description="The North Star metric, usually in the company file.")
    objectives: list[Objective] = Field(min_length=1)

    @field_validator("cycle")
    @classmethod
    def _cycle(cls, value: Any) -> Any:
        if isinstance(value, str) and not _QUARTER.match(value):
            raise ValueError("write the cycle as YYYY-Qn (e.g. 2026-Q4) or {start: ..., end: ...}")
        return value

    def cycle_bounds(self) -> tuple[date, date]:
        if isinstance(self.cycle, CycleRange):
            return self.cycle.start, self.cycle.end
        year, quarter = (int(part) for part in _QUARTER.match(self.cycle).groups())
        start = date(year, 3 * quarter - 2, 1)
        if quarter == 4:
            return start, date(year, 12, 31)
        return start, date.fromordinal(date(year, 3 * quarter + 1, 1).toordinal() - 1)

    @property
    def cycle_name(self) -> str:
        start, end = self.cycle_bounds()
        return self.cycle if isinstance(self.cycle, str) else f"{start}..{end}"
