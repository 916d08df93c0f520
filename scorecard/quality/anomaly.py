"""KPI anomaly detection: is the latest complete period of each KPI far from what its recent history predicts?

Each KPI is judged on its total series (``dimension_name = 'all'``) at its cadence grain. The prediction for
the judged period is the median of the few periods just before it (for a daily KPI: the same weekday of the
weeks before) plus the typical error of that same prediction over the training window, which carries any
trend. How far off the prediction usually is, the robust spread (MAD) of those errors, turns the deviation into
a robust z. Because the spread is measured on the very predictions being judged, the z means the same for a
noisy ratio, a smooth cumulative count and a wandering balance such as the open pipeline.

Method, defaults and the anomalies the sample data plants: docs/data-quality.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import stats

from scorecard.errors import InvalidInput
from scorecard.periods import (
    COMPLETE_PERIOD,
    DAYS_PER_WEEK,
    GRAINS,
    Grain,
    latest_complete_period,
    period_index,
    period_label,
)
from scorecard.quality.results import CheckResult
from scorecard.suggest import did_you_mean

Severity = Literal["warn", "fail"]
Outcome = Literal["normal", "anomaly", "insufficient_history", "no_value", "disabled"]

PERIOD_NOUNS = {"day": "days", "week": "weeks", "month": "months", "quarter": "quarters"}
# The spread needs a few prediction errors at the least; fewer and the check says "insufficient history".
MIN_ERRORS = 3
# The mean absolute deviation of a normal sample is sigma * sqrt(2 / pi); this turns it back into sigma.
MEAN_ABSOLUTE_DEVIATION_TO_SIGMA = math.sqrt(math.pi / 2)


class RecentPeriods(BaseModel):
    """The prediction starts from the median of this many latest periods (for daily KPIs: of the same weekday).

    Three is the fewest whose median one unusual period cannot move. It also sets how long a lasting change of
    level flags: from the third period at the new level on (the second, with two) it is the new normal.
    Quarterly KPIs rarely have the history to spare a third quarter, so they use two.
    """

    model_config = ConfigDict(extra="forbid")

    day: int = Field(3, ge=1)
    week: int = Field(3, ge=1)
    month: int = Field(3, ge=1)
    quarter: int = Field(2, ge=1)


class TrainingWindow(BaseModel):
    """How many periods before the judged one are used to learn how far predictions usually miss."""

    model_config = ConfigDict(extra="forbid")

    day: int = Field(84, ge=1)  # twelve weeks: twelve earlier values of each weekday
    week: int = Field(26, ge=1)
    month: int = Field(12, ge=1)
    quarter: int = Field(8, ge=1)


class MinimumHistory(BaseModel):
    """Fewer values than this in the training window and the check says "insufficient history"."""

    model_config = ConfigDict(extra="forbid")

    day: int = Field(28, ge=1)  # four of each weekday
    week: int = Field(8, ge=1)
    month: int = Field(8, ge=1)
    quarter: int = Field(6, ge=1)


class MetricAnomalySettings(BaseModel):
    """Per-KPI overrides under ``metrics:``; anything left out falls back to the section's value."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    z_threshold: float | None = Field(None, gt=0)
    min_relative_change: float | None = Field(None, ge=0)
    severity: Severity | None = None
    training_window: int | None = Field(None, ge=1)  # periods at the KPI's cadence
    min_history: int | None = Field(None, ge=1)


class AnomalySettings(BaseModel):
    """The ``anomaly:`` section of checks/thresholds.yml."""

    model_config = ConfigDict(extra="forbid")

    z_threshold: float = Field(3.0, gt=0)
    severity: Severity = "warn"
    # A deviation must also be at least this share of the expected value: a series with almost no noise
    # (signups, monthly active users) would otherwise alarm on a move of a few percent nobody would act on.
    min_relative_change: float = Field(0.1, ge=0)
    # Daily KPIs are predicted from the same weekday of the weeks before.
    weekly_seasonality: bool = True
    recent_periods: RecentPeriods = Field(default_factory=RecentPeriods)
    training_window: TrainingWindow = Field(default_factory=TrainingWindow)
    min_history: MinimumHistory = Field(default_factory=MinimumHistory)
    metrics: dict[str, MetricAnomalySettings] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _windows_can_judge(self) -> AnomalySettings:
        for grain in GRAINS:
            window, needed = getattr(self.training_window, grain), getattr(self.min_history, grain)
            problem = self._window_problem(grain, window, needed)
            if problem:
                raise ValueError(f"{grain}: {problem}")
        return self

    def _window_problem(self, grain: Grain, window: int, needed: int) -> str | None:
        least = self.least_history(grain)
        if needed < least:
            return (
                f"min_history {needed} is too short: {getattr(self.recent_periods, grain)} recent periods "
                f"and at least {MIN_ERRORS} prediction errors need {least}"
            )
        if needed > window:
            return f"min_history {needed} is longer than the training_window {window}"
        return None

    def season(self, grain: Grain) -> int:
        return DAYS_PER_WEEK if grain == "day" and self.weekly_seasonality else 1

    def least_history(self, grain: Grain) -> int:
        """The smallest min_history that leaves values to predict from and errors to measure the spread on."""
        recent, season = getattr(self.recent_periods, grain), self.season(grain)
        if season == 1:
            return recent + MIN_ERRORS
        # every weekday needs its recent periods and one more value to measure an error on
        return season * (recent + 1)

    def rule_for(self, grain: Grain, metric: str | None = None) -> Rule:
        """The settings that apply to one KPI at its cadence grain, its overrides included."""
        override = (self.metrics.get(metric) if metric else None) or MetricAnomalySettings()
        rule = Rule(
            enabled=override.enabled,
            z_threshold=_first(override.z_threshold, self.z_threshold),
            min_relative_change=_first(override.min_relative_change, self.min_relative_change),
            severity=override.severity or self.severity,
            training_window=_first(override.training_window, getattr(self.training_window, grain)),
            min_history=_first(override.min_history, getattr(self.min_history, grain)),
            recent_periods=getattr(self.recent_periods, grain),
            season=self.season(grain),
        )
        problem = self._window_problem(grain, rule.training_window, rule.min_history)
        if problem:
            raise InvalidInput(f"anomaly settings: metrics.{metric} ({grain} cadence): {problem}")
        return rule


def _first(value, default):
    return default if value is None else value


@dataclass(frozen=True)
class Rule:
    """The resolved settings for one series."""

    enabled: bool
    z_threshold: float
    min_relative_change: float
    severity: Severity
    training_window: int  # periods before the judged one
    min_history: int  # values needed in that window
    recent_periods: int
    season: int  # 7: daily values are predicted from the same weekday; 1: from the periods just before


@dataclass(frozen=True)
class Judgement:
    """What the detector concluded about the judged period of one series."""

    outcome: Outcome
    period_start: date
    value: float | None = None
    expected: float | None = None
    z: float | None = None  # signed robust z; infinite when the history has no spread at all
    relative_change: float | None = None  # |value - expected| / |expected|; infinite when expected is 0
    history: int = 0  # values found in the training window (of the judged weekday, when that was short)
    needed: int = 0  # values the rule asks for
    errors: int = 0  # prediction errors the spread was measured on


def judge_series(
    series: Sequence[tuple[date, float | None]],
    grain: Grain,
    settings: AnomalySettings,
    metric: str | None = None,
    period: date | None = None,
) -> Judgement:
    """Judge ``period`` (default: the latest period in ``series``) against the periods before it.

    ``series`` holds (period_start, value) pairs at ``grain`` in any order; missing periods and None values
    are left out of the history. ``metric`` selects its overrides in ``settings``.
    """
    rule = settings.rule_for(grain, metric)
    values = dict(series)
    if period is None:
        if not values:
            raise ValueError("judge_series needs a period or a non-empty series")
        period = max(values)
    if not rule.enabled:
        return Judgement("disabled", period)
    value = values.get(period)
    if value is None or not math.isfinite(value):
        return Judgement("no_value", period)

    by_phase = _training_values(values, period, grain, rule)
    found = sum(len(phase) for phase in by_phase.values())
    if found < rule.min_history:
        return Judgement("insufficient_history", period, value, history=found, needed=rule.min_history)
    same_phase_needed = max(rule.recent_periods, rule.min_history // rule.season)
    if len(by_phase.get(0, [])) < same_phase_needed:
        # a daily series has enough days, but too few of the judged weekday
        return Judgement(
            "insufficient_history", period, value, history=len(by_phase.get(0, [])), needed=same_phase_needed
        )

    prediction = _predict(by_phase, rule.recent_periods)
    deviation = value - prediction.expected
    z = _robust_z(deviation, prediction.scale) / _small_sample_factor(rule.z_threshold, prediction.errors - 1)
    relative = abs(deviation) / abs(prediction.expected) if prediction.expected else (math.inf if deviation else 0.0)
    flagged = abs(z) > rule.z_threshold and relative > rule.min_relative_change
    return Judgement(
        "anomaly" if flagged else "normal",
        period,
        value,
        expected=prediction.expected,
        z=z,
        relative_change=relative,
        history=found,
        needed=rule.min_history,
        errors=prediction.errors,
    )


def _training_values(values: dict[date, float | None], period: date, grain: Grain, rule: Rule) -> dict[int, list]:
    """The usable values of the training window in time order, by phase: the weekday relative to the judged
    day (0: the same weekday) for a seasonal daily series, else everything in phase 0."""
    judged = period_index(period, grain)
    window = sorted(
        (period_index(start, grain) - judged, value)
        for start, value in values.items()
        if value is not None and math.isfinite(value)
    )
    by_phase: dict[int, list[float]] = {}
    for offset, value in window:
        if -rule.training_window <= offset < 0:
            by_phase.setdefault(offset % rule.season, []).append(value)
    return by_phase


@dataclass(frozen=True)
class Prediction:
    expected: float
    scale: float  # robust standard deviation of the prediction errors over the training window
    errors: int  # how many errors it was measured on


def _predict(by_phase: dict[int, list[float]], recent: int) -> Prediction:
    """The median of the ``recent`` latest values of the judged phase, plus the median error that the same
    prediction made over the training window.

    Predicting each training value from the ``recent`` values of its phase just before it gives errors that
    carry everything the median alone misses: a trend (the median of the last three sits two periods behind a
    rising series; the median error adds the difference back), the noise of the median itself, and how far a
    wandering series moves from one period to the next.
    """
    errors = np.array(
        [
            phase[i] - float(np.median(phase[i - recent : i]))
            for phase in by_phase.values()
            for i in range(recent, len(phase))
        ]
    )
    typical_error = float(np.median(errors))
    return Prediction(
        expected=float(np.median(by_phase[0][-recent:])) + typical_error,
        scale=_robust_scale(errors - typical_error),
        errors=len(errors),
    )


def _robust_scale(residuals: np.ndarray) -> float:
    """The MAD scaled to a normal standard deviation; when more than half the residuals are equal (MAD = 0),
    the mean absolute deviation from the median, the usual fallback of the modified z-score."""
    mad = float(stats.median_abs_deviation(residuals, scale="normal"))
    if mad > 0:
        return mad
    return MEAN_ABSOLUTE_DEVIATION_TO_SIGMA * float(np.mean(np.abs(residuals - np.median(residuals))))


def _small_sample_factor(z_threshold: float, dof: int) -> float:
    """How much wider the band must be because the spread is estimated from a handful of errors.

    A deviation of ``z_threshold`` known standard deviations is exactly as rare as a Student t with ``dof``
    degrees of freedom beyond ``z_threshold`` times this factor. Without it, a spread measured on nine monthly
    errors often comes out small by chance and a 12-month window false-alarms several times as often as a z of
    3 promises. Dividing the z by the factor keeps the configured threshold the one compared with.
    """
    tail = stats.norm.sf(z_threshold)
    return float(stats.t.isf(tail, max(dof, 1))) / z_threshold


def _robust_z(deviation: float, scale: float) -> float:
    if scale > 0:
        return deviation / scale
    # A history whose predictions never missed (a constant series): any deviation is infinitely unusual, and the
    # minimum relative change alone decides whether it is worth a flag.
    return math.copysign(math.inf, deviation) if deviation else 0.0


def to_check_result(metric: str, grain: Grain, judgement: Judgement, rule: Rule) -> CheckResult:
    """The judgement as the CheckResult every check runner returns."""
    judged = judgement.outcome in ("normal", "anomaly")
    return CheckResult(
        check_id=f"anomaly.{metric}",
        kind="anomaly",
        target=f"metric.scorecard.{metric}",
        status={"anomaly": rule.severity, "normal": "pass"}.get(judgement.outcome, "skipped"),
        observed_value=judgement.z if judged else None,
        threshold=rule.z_threshold,
        message=_message(f"{metric} {period_label(judgement.period_start, grain)}", grain, judgement, rule),
        metrics=(metric,),
    )


def _message(where: str, grain: Grain, judgement: Judgement, rule: Rule) -> str:
    if judgement.outcome == "disabled":
        return f"{where}: anomaly check turned off in the settings"
    if judgement.outcome == "no_value":
        return f"{where}: no value in the latest complete {grain}, nothing to judge"
    if judgement.outcome == "insufficient_history":
        nouns = PERIOD_NOUNS[grain] if judgement.needed == rule.min_history else "earlier values of the same weekday"
        return f"insufficient history: {judgement.history} of {judgement.needed} {nouns} before {where}"
    z = judgement.z
    shown = f"{z:.1f}" if math.isfinite(z) else ("+inf" if z > 0 else "-inf")
    head = f"{where}: {_number(judgement.value)} vs expected {_number(judgement.expected)}"
    if judgement.outcome == "anomaly":
        bound = f"> {rule.z_threshold:g}" if z > 0 else f"< -{rule.z_threshold:g}"
        return f"{head} (robust z {shown} {bound})"
    if abs(z) > rule.z_threshold:
        return (
            f"{head} (robust z {shown}, but only {judgement.relative_change:.0%} off, "
            f"under the {rule.min_relative_change:.0%} minimum change)"
        )
    return f"{head} (robust z {shown}, within ±{rule.z_threshold:g})"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


KPI_SERIES_SQL = f"""
select
    d.metric_name,
    d.cadence,
    coalesce(d.maturity_days, 0) as maturity_days,
    d.finest_grain,
    v.period_start,
    v.value
from kpis.kpi_definitions as d
left join kpis.kpi_values as v
    on
        v.metric_name = d.metric_name
        and v.grain = d.cadence
        and v.dimension_name = 'all'
        -- judged as of an earlier date than the build's: only what was complete then
        and {COMPLETE_PERIOD}
order by d.metric_name, v.period_start
"""


def detect_anomalies(con, as_of: date, settings: AnomalySettings) -> list[CheckResult]:
    """One CheckResult per KPI in kpis.kpi_definitions: its latest complete period at its cadence, judged
    against the periods before it."""
    rows = con.execute(KPI_SERIES_SQL, [as_of]).fetchall()
    kpis: dict[str, tuple[Grain, int, Grain]] = {}
    series: dict[str, list[tuple[date, float | None]]] = {}
    for metric, cadence, maturity_days, finest_grain, start, value in rows:
        kpis[metric] = (cadence, maturity_days, finest_grain)
        points = series.setdefault(metric, [])
        if start is not None:
            points.append((start, value))
    _check_overrides_name_kpis(settings, kpis)

    results = []
    for metric, (grain, maturity_days, finest_grain) in kpis.items():
        # The period that should be judged, whether or not the warehouse has a value for it.
        period = latest_complete_period(as_of, grain, maturity_days, finest_grain)
        judgement = judge_series(series[metric], grain, settings, metric=metric, period=period)
        results.append(to_check_result(metric, grain, judgement, settings.rule_for(grain, metric)))
    return results


def _check_overrides_name_kpis(settings: AnomalySettings, kpis: dict) -> None:
    for name in settings.metrics:
        if name not in kpis:
            hint = did_you_mean(name, kpis)
            raise InvalidInput(f"anomaly settings: metrics.{name}: no KPI of that name in kpis.kpi_definitions{hint}")
