"""Check-ins: each key result's current value, baseline, progress, score, status and projection at an
as-of date, read from kpi_values; and each objective's roll-up. No warehouse writes happen here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import duckdb

from scorecard.okrs import scoring
from scorecard.okrs.catalog import CatalogMetric
from scorecard.okrs.data_gate import GoodScore, apply_gate, recorded_status
from scorecard.okrs.load import LoadedSpec, aligned_parent, objective_index
from scorecard.okrs.model import GuardrailKeyResult, MetricKeyResult, MilestoneKeyResult
from scorecard.okrs.projection import Projection, project
from scorecard.periods import COMPLETE_ON, COMPLETE_PERIOD
from scorecard.quality.status import DataStatus

# said where a target resolves to its baseline (an auto baseline of 0 under a relative target)
NO_DISTANCE_NOTE = "so there is no progress to measure: write the baseline or the target as a number"
BASELINE_DRIFT_TOLERANCE = 0.01  # a recomputed auto baseline more than 1% off the frozen one is flagged


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    value: float | None
    complete_on: date | None = None  # the day it became complete: its data's end plus the metric's maturity


@dataclass
class Series:
    """The complete periods of one metric, grain and segment, as known at the as-of date."""

    periods: list[Period] = field(default_factory=list)

    def before(self, day: date, known_on: date | None = None) -> list[Period]:
        """The periods that end before ``day``; with ``known_on``, only those already complete then."""
        return [p for p in self.periods if p.end < day and (known_on is None or (p.complete_on or p.end) <= known_on)]

    def within(self, start: date, as_of: date) -> list[Period]:
        """The periods that end inside the cycle, as the current value's: a week that straddles the
        cycle's start counts, so before() and within() together cover every period."""
        return [p for p in self.periods if start <= p.end <= as_of]

    def latest_ending_between(self, start: date, as_of: date) -> Period | None:
        candidates = self.within(start, as_of)
        return candidates[-1] if candidates else None


def load_series(
    con: duckdb.DuckDBPyConnection, wanted: set[tuple[str, str, str, str]], as_of: date
) -> dict[tuple[str, str, str, str], Series]:
    """Complete periods for (metric, grain, dimension, segment): over (cohorts mature) at ``as_of`` and at
    the data's own as-of (``is_complete``), so an as-of date past the data never takes the period the data
    ends in for a finished one."""
    series: dict[tuple, Series] = defaultdict(Series)
    if not wanted:
        return series
    keys = sorted(wanted)
    rows = con.execute(
        """
        with wanted as (
            select * from (values {placeholders}) as w (metric_name, grain, dimension_name, dimension_value)
        )
        select
            v.metric_name, v.grain, v.dimension_name, v.dimension_value, v.period_start, v.period_end, v.value,
            {complete_on} as complete_on
        from kpis.kpi_values as v
        inner join wanted using (metric_name, grain, dimension_name, dimension_value)
        inner join kpis.kpi_definitions as d on v.metric_name = d.metric_name
        where {complete}
        order by v.metric_name, v.grain, v.dimension_name, v.dimension_value, v.period_start
        """.format(
            placeholders=", ".join(["(?, ?, ?, ?)"] * len(keys)), complete=COMPLETE_PERIOD, complete_on=COMPLETE_ON
        ),
        [part for key in keys for part in key] + [as_of],
    ).fetchall()
    for metric, grain, dimension, segment, start, end, value, complete_on in rows:
        series[(metric, grain, dimension, segment)].periods.append(Period(start, end, value, complete_on))
    return series


def series_key(key_result, catalog: dict[str, CatalogMetric]) -> tuple[str, str, str, str]:
    metric = catalog[key_result.metric]
    grain = key_result.grain or metric.cadence
    if key_result.segment:
        ((dimension, segment),) = key_result.segment.items()
        return (metric.name, grain, dimension, str(segment))
    return (metric.name, grain, "all", "all")


def wanted_series(specs: list[LoadedSpec], catalog: dict[str, CatalogMetric]) -> set[tuple[str, str, str, str]]:
    keys = set()
    for loaded in specs:
        for objective in loaded.spec.objectives:
            for key_result in objective.key_results:
                if not isinstance(key_result, MilestoneKeyResult):
                    keys.add(series_key(key_result, catalog))
        if loaded.spec.north_star:
            metric = catalog[loaded.spec.north_star]
            keys.add((metric.name, metric.cadence, "all", "all"))
    return keys


def evaluate(
    specs: list[LoadedSpec],
    catalog: dict[str, CatalogMetric],
    series: dict[tuple, Series],
    as_of: date,
    frozen_baselines: dict[tuple, tuple[float | None, date]],
    cutoffs: scoring.Cutoffs = scoring.DEFAULT_CUTOFFS,
    data_statuses: dict[str, DataStatus] | None = None,
    last_good: dict[tuple, GoodScore] | None = None,
) -> tuple[list[dict], list[dict], list[dict]]:
    """(key result specs, check-ins, objectives) as rows for the okr_* tables.

    ``data_statuses`` are the KPIs' data statuses from `scorecard check` for the date (None: no check
    has run); a key result on stale or failed data shows ``last_good``'s score instead of a fresh one."""
    key_results, checkins, objectives = [], [], []
    index = objective_index(specs)
    parents: list[tuple | None] = []  # per objective row: the (team, cycle, id) its aligns_to resolves to
    for loaded in specs:
        spec = loaded.spec
        start, _ = spec.cycle_bounds()
        if as_of < start:
            continue  # a cycle that has not begun yet has nothing to check in
        for objective in spec.objectives:
            scored = []
            for key_result in objective.key_results:
                ident = (spec.team, spec.cycle_name, objective.id, key_result.id)
                row, checkin = _evaluate_key_result(
                    loaded,
                    objective,
                    key_result,
                    catalog,
                    series,
                    as_of,
                    frozen_baselines.get(ident),
                    cutoffs,
                )
                _gate(checkin, data_statuses, (last_good or {}).get(ident), as_of)
                key_results.append(row)
                checkins.append(checkin)
                scored.append((checkin["score"], key_result.weight, checkin["status"]))
            objectives.append(
                {
                    "as_of": as_of,
                    "team": spec.team,
                    "cycle": spec.cycle_name,
                    "objective_id": objective.id,
                    "title": objective.title,
                    "owner": objective.owner or spec.owner,
                    "aligns_to": objective.aligns_to,
                    "score": scoring.weighted_score([(s, w) for s, w, _ in scored]),
                    "status": scoring.worst_status([status for _, _, status in scored]),
                    "key_result_count": len(scored),
                    "spec_file": loaded.file,
                }
            )
            parent = aligned_parent(loaded, objective.aligns_to, index)
            parents.append(None if parent is None else _objective_key(parent))
    _roll_up(objectives, parents)
    _north_star(specs, catalog, series, as_of, objectives)
    return key_results, checkins, objectives


def _gate(checkin: dict, data_statuses: dict[str, DataStatus] | None, last_good: GoodScore | None, as_of) -> None:
    if checkin["key_result_type"] == "milestone":
        # a milestone's status is the owner's word in the spec; no data stands behind it
        apply_gate(checkin, DataStatus("ok", "milestone: status reported in the spec"), None)
    else:
        apply_gate(checkin, recorded_status(data_statuses, checkin["metric"], as_of), last_good)


def milestone_status_on(key_result: MilestoneKeyResult, as_of: date) -> str:
    """The spec states a milestone's status today; on an earlier as-of date (a backfill) a milestone
    done after it was still being worked on."""
    if key_result.status == "done" and key_result.done_on is not None and as_of < key_result.done_on:
        return "in_progress"
    return key_result.status


def _evaluate_key_result(loaded, objective, key_result, catalog, series, as_of, frozen, cutoffs):
    spec = loaded.spec
    start, end = spec.cycle_bounds()
    deadline = key_result.deadline or end
    expected = scoring.elapsed_share(start, deadline, as_of)
    confidence = [c for c in key_result.check_ins if c.date <= as_of]
    latest_confidence = max(confidence, key=lambda c: c.date) if confidence else None
    base = {
        "as_of": as_of,
        "team": spec.team,
        "cycle": spec.cycle_name,
        "objective_id": objective.id,
        "key_result_id": key_result.id,
        "key_result_type": key_result.type,
        "expected_progress": expected,
        "owner_confidence": latest_confidence.confidence if latest_confidence else None,
        "owner_note": latest_confidence.note if latest_confidence else None,
    }
    spec_row = {
        "team": spec.team,
        "cycle": spec.cycle_name,
        "objective_id": objective.id,
        "key_result_id": key_result.id,
        "key_result_type": key_result.type,
        "title": key_result.title,
        "owner": key_result.owner or objective.owner or spec.owner,
        "weight": key_result.weight,
        "cycle_start": start,
        "cycle_end": end,
        "deadline": deadline,
        "initiatives": "; ".join(key_result.initiatives) or None,
        "spec_file": loaded.file,
    }
    if isinstance(key_result, MilestoneKeyResult):
        reported = milestone_status_on(key_result, as_of)
        score = scoring.milestone_score(reported)
        status = scoring.milestone_status(reported, expected, as_of, deadline)
        spec_row.update(
            metric=None,
            segment=None,
            grain=None,
            direction=None,
            baseline_value=None,
            baseline_source=None,
            target_value=None,
            threshold_value=None,
        )
        return spec_row, {
            **base,
            **_empty_measure(),
            "score": score,
            "progress": score,
            "progress_raw": score,
            "status": status,
            "projection_note": f"milestone {reported.replace('_', ' ')}"
            + (f" (done on {key_result.done_on})" if reported != key_result.status else ""),
        }

    key = series_key(key_result, catalog)
    metric_series = series.get(key, Series())
    # scored on the periods ending by its deadline (the cycle's end unless written): a later run must not
    # judge last quarter by this one, nor a key result due on 11-01 by a value it reached on 11-10
    through = min(as_of, deadline)
    current = metric_series.latest_ending_between(start, through)
    segment = None if key[2] == "all" else f"{key[2]}={key[3]}"
    spec_row.update(metric=key[0], segment=segment, grain=key[1])
    measured = {
        "metric": key[0],
        "segment": segment,
        "grain": key[1],
        "current_value": current.value if current else None,
        "current_period_start": current.start if current else None,
        "current_period_end": current.end if current else None,
    }
    if isinstance(key_result, GuardrailKeyResult):
        threshold = key_result.threshold_amount().value
        in_cycle = [p.value for p in metric_series.within(start, through) if p.value is not None]
        score = scoring.guardrail_score(measured["current_value"], threshold, key_result.direction)
        close = scoring.guardrail_close_score(in_cycle, threshold, key_result.direction)
        inside = sum(scoring.inside_band(v, threshold, key_result.direction) for v in in_cycle)
        status = scoring.guardrail_status(score, as_of, deadline, close)
        spec_row.update(
            direction=key_result.direction,
            baseline_value=None,
            baseline_source=None,
            target_value=None,
            threshold_value=threshold,
        )
        return spec_row, {
            **base,
            **measured,
            "baseline": None,
            "target": threshold,
            "baseline_drift": None,
            "score": close if as_of >= deadline else score,
            "progress": score,
            "progress_raw": score,
            "status": status,
            "projection": None,
            "projection_low": None,
            "projection_high": None,
            "hit_probability": None,
            "projection_note": f"inside the band in {inside} of {len(in_cycle)} periods",
        }

    assert isinstance(key_result, MetricKeyResult)
    baseline_amount = key_result.baseline_amount()
    recomputed = None
    if baseline_amount is None or baseline_amount.kind == "auto":
        # recomputed as the frozen one was chosen: the last period before the cycle that was complete on
        # the day it was frozen, so a cohort maturing since then is not taken for restated data
        before = metric_series.before(start, known_on=frozen[1] if frozen else None)
        recomputed = before[-1].value if before else None
        baseline = frozen[0] if frozen else recomputed
        source = "auto"
    else:
        baseline = baseline_amount.value
        source = "spec"
    drift = None
    # a backfilled date before the freeze knows fewer complete periods than the freeze did (a cohort not yet
    # mature): its recomputed baseline may be another period's, so drift is not judged there
    before_freeze = frozen is not None and as_of < frozen[1]
    if source == "auto" and baseline is not None and recomputed is not None and not before_freeze:
        # the same answer whether this run froze the baseline or an earlier one did
        drift = abs(recomputed - baseline) > BASELINE_DRIFT_TOLERANCE * max(abs(baseline), 1e-12)
    target_amount = key_result.target_amount()
    target = target_amount.resolve(baseline)
    direction = (
        key_result.direction
        or target_amount.direction
        or (None if baseline is None or target is None else ("increase" if target > baseline else "decrease"))
    )
    # an auto baseline of 0 with a relative target: lint cannot see it coming, and there is nothing to
    # measure progress or project against
    no_distance = target is not None and target == baseline
    spec_row.update(
        direction=direction, baseline_value=baseline, baseline_source=source, target_value=target, threshold_value=None
    )
    progress_raw = None
    if (
        current is not None
        and current.value is not None
        and baseline is not None
        and target is not None
        and target != baseline
    ):
        progress_raw = scoring.progress(baseline, target, current.value)
    points = [(p.end, p.value) for p in metric_series.within(start, through) if p.value is not None]
    if len(points) < 3:
        earlier = [(p.end, p.value) for p in metric_series.before(start) if p.value is not None]
        points = earlier[-(3 - len(points)) :] + points if earlier else points
    if no_distance:
        projection = Projection(
            None, None, None, None, len(points), f"the target equals the baseline ({target:g}), {NO_DISTANCE_NOTE}"
        )
    elif target is not None and as_of >= deadline:
        # from the deadline on the status is final (scoring.metric_status): a line fitted to the past gave an
        # ended cycle "0% chance of reaching the target", as if it were still running
        projection = Projection(None, None, None, None, len(points), f"the deadline, {deadline}, has come")
    elif target is not None:
        projection = project(
            points, deadline, target, increasing=(direction != "decrease"), bounds=catalog[key[0]].value_range
        )
    else:
        projection = project([], deadline, 0.0, True)
    status = scoring.metric_status(progress_raw, expected, as_of, deadline, projection.hit_probability, cutoffs)
    return spec_row, {
        **base,
        **measured,
        "baseline": baseline,
        "target": target,
        "baseline_drift": drift,
        "progress_raw": progress_raw,
        "progress": None if progress_raw is None else scoring.clamp(progress_raw),
        "score": None if progress_raw is None else scoring.clamp(progress_raw),
        "status": status,
        "projection": projection.value,
        "projection_low": projection.low,
        "projection_high": projection.high,
        "hit_probability": projection.hit_probability,
        "projection_note": projection.note,
    }


def _empty_measure() -> dict:
    return {
        "metric": None,
        "segment": None,
        "grain": None,
        "current_value": None,
        "current_period_start": None,
        "current_period_end": None,
        "baseline": None,
        "target": None,
        "baseline_drift": None,
        "projection": None,
        "projection_low": None,
        "projection_high": None,
        "hit_probability": None,
    }


def _objective_key(found: tuple[LoadedSpec, int]) -> tuple[str, str, str]:
    loaded, index = found
    return (loaded.spec.team, loaded.spec.cycle_name, loaded.spec.objectives[index].id)


def _roll_up(objectives: list[dict], parents: list[tuple | None]) -> None:
    """A parent objective shows the mean score of the team objectives aligned to it (its own score is untouched):
    those of its own cycle, or of one overlapping it, as aligns_to resolves (load.aligned_parent)."""
    children: dict[tuple, list[float]] = defaultdict(list)
    counts: dict[tuple, int] = defaultdict(int)
    for row, parent in zip(objectives, parents, strict=True):
        if parent is not None:
            counts[parent] += 1
            if row["score"] is not None:
                children[parent].append(row["score"])
    for row in objectives:
        key = (row["team"], row["cycle"], row["objective_id"])
        row["aligned_objective_count"] = counts.get(key, 0)
        scores = children.get(key)
        row["aligned_score"] = sum(scores) / len(scores) if scores else None


def _north_star(specs, catalog, series, as_of, objectives) -> None:
    for row in objectives:
        row.update(
            north_star_metric=None, north_star_value=None, north_star_prior_value=None, north_star_period_end=None
        )
    for loaded in specs:
        if not loaded.spec.north_star:
            continue
        metric = catalog[loaded.spec.north_star]
        periods = [
            p for p in series.get((metric.name, metric.cadence, "all", "all"), Series()).periods if p.end <= as_of
        ]
        for row in objectives:
            if row["team"] == loaded.spec.team and row["cycle"] == loaded.spec.cycle_name:
                row.update(
                    north_star_metric=metric.name,
                    north_star_value=periods[-1].value if periods else None,
                    north_star_prior_value=periods[-2].value if len(periods) > 1 else None,
                    north_star_period_end=periods[-1].end if periods else None,
                )
