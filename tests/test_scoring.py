"""The scoring formulas on hand-computed cases, and the seeds' worked examples (docs/scoring.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scorecard.okrs import scoring
from scorecard.okrs.evaluate import Period, Series
from scorecard.okrs.projection import project
from scorecard.okrs.score import missing_weekly_dates, running_cycle_start
from scorecard.okrs.values import parse_amount

START, DEADLINE = date(2026, 10, 1), date(2026, 12, 31)  # 91 days


@pytest.mark.parametrize(
    ("baseline", "target", "current", "raw", "score"),
    [
        (0.30, 0.45, 0.375, 0.5, 0.5),  # increase: Day 1 retention 30% -> 45%, halfway at 37.5%
        (5.0, 2.0, 3.5, 0.5, 0.5),  # decrease: time to first value 5 -> 2 minutes, halfway at 3.5
        (0.08, 0.03, 0.02, 1.2, 1.0),  # overshoot is kept raw and clamped for the score
        (0.30, 0.45, 0.27, -0.2, 0.0),  # going backwards: negative raw progress, score 0
        (8.0, 5.0, 5.5, 2.5 / 3, 2.5 / 3),  # seeds: churn 8% -> 5% ending at 5.5% ("about 80% of your target")
        (1.3, 1.8, 1.3, 0.0, 0.0),  # at the baseline
    ],
)
def test_progress_and_score(baseline, target, current, raw, score):
    progress = scoring.progress(baseline, target, current)
    assert progress == pytest.approx(raw)
    assert scoring.clamp(progress) == pytest.approx(score)


def test_progress_refuses_target_equal_to_baseline():
    with pytest.raises(ValueError):
        scoring.progress(0.3, 0.3, 0.4)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 9, 15), 0.0),  # before the start
        (START, 0.0),
        (date(2026, 11, 15), 45 / 91),
        (DEADLINE, 1.0),
        (date(2027, 1, 20), 1.0),  # after the deadline
    ],
)
def test_elapsed_share(as_of, expected):
    assert scoring.elapsed_share(START, DEADLINE, as_of) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("progress", "expected", "as_of", "probability", "status"),
    [
        (0.50, 0.55, date(2026, 11, 15), None, "on_track"),  # 5 points behind the straight line
        (0.45, 0.55, date(2026, 11, 15), None, "on_track"),  # exactly 10 points behind
        (0.40, 0.55, date(2026, 11, 15), None, "at_risk"),  # 15 behind
        (0.30, 0.55, date(2026, 11, 15), None, "at_risk"),  # exactly 25 behind
        (0.20, 0.55, date(2026, 11, 15), None, "off_track"),  # 35 behind
        (0.20, 0.55, date(2026, 11, 15), 0.6, "at_risk"),  # off track, but the projection says likely
        (0.50, 0.55, date(2026, 11, 15), 0.1, "at_risk"),  # on track, but the projection says unlikely
        (1.00, 0.55, date(2026, 11, 15), None, "achieved"),  # target reached early
        (0.90, 1.00, DEADLINE, None, "missed"),  # deadline passed short of the target
        (1.05, 1.00, date(2027, 1, 10), None, "achieved"),  # after the deadline, reached
        (None, 0.55, date(2026, 11, 15), None, "no_data"),
        (0.00, 0.00, date(2026, 9, 20), None, "on_track"),  # before the start nothing is expected yet
    ],
)
def test_metric_status(progress, expected, as_of, probability, status):
    assert scoring.metric_status(progress, expected, as_of, DEADLINE, probability) == status


def test_status_cutoffs_are_configurable():
    strict = scoring.Cutoffs(on_track_gap=0.05, at_risk_gap=0.10)
    assert scoring.metric_status(0.45, 0.55, date(2026, 11, 15), DEADLINE, None, strict) == "at_risk"
    assert scoring.metric_status(0.40, 0.55, date(2026, 11, 15), DEADLINE, None, strict) == "off_track"


@pytest.mark.parametrize(
    ("value", "threshold", "direction", "score"),
    [
        (0.29, 0.30, "at_most", 1.0),
        (0.30, 0.30, "at_most", 1.0),  # the boundary is inside the band
        (0.31, 0.30, "at_most", 0.0),
        (0.46, 0.45, "at_least", 1.0),
        (0.45, 0.45, "at_least", 1.0),  # the boundary is inside the band
        (0.44, 0.45, "at_least", 0.0),
        (None, 0.30, "at_most", None),
    ],
)
def test_guardrail_score(value, threshold, direction, score):
    assert scoring.guardrail_score(value, threshold, direction) == score


def test_guardrail_close_score_is_the_share_of_periods_inside():
    weekly_push_share = [0.25, 0.26, 0.33, 0.34, 0.30, 0.29, 0.35, 0.28]
    assert scoring.guardrail_close_score(weekly_push_share, 0.30, "at_most") == pytest.approx(5 / 8)
    assert scoring.guardrail_status(0.0, date(2026, 11, 15), DEADLINE, None) == "off_track"
    assert scoring.guardrail_status(1.0, date(2026, 11, 15), DEADLINE, None) == "on_track"
    assert scoring.guardrail_status(1.0, DEADLINE, DEADLINE, 5 / 8) == "missed"
    assert scoring.guardrail_status(1.0, DEADLINE, DEADLINE, 1.0) == "achieved"


@pytest.mark.parametrize(
    ("status", "expected", "as_of", "score", "result"),
    [
        ("done", 0.2, date(2026, 10, 20), 1.0, "achieved"),
        ("in_progress", 0.5, date(2026, 11, 15), 0.0, "on_track"),
        ("in_progress", 0.8, date(2026, 12, 13), 0.0, "at_risk"),
        ("not_started", 0.1, date(2026, 10, 10), 0.0, "on_track"),
        ("not_started", 0.4, date(2026, 11, 6), 0.0, "at_risk"),
        ("not_started", 0.6, date(2026, 11, 25), 0.0, "off_track"),
        ("in_progress", 1.0, DEADLINE, 0.0, "missed"),
    ],
)
def test_milestone(status, expected, as_of, score, result):
    assert scoring.milestone_score(status) == score
    assert scoring.milestone_status(status, expected, as_of, DEADLINE) == result


def test_objective_score_is_the_weighted_mean_of_scored_key_results():
    # weights 2, 1, 1: (2 * 0.5 + 1 * 1.0 + 1 * 0.0) / 4
    assert scoring.weighted_score([(0.5, 2), (1.0, 1), (0.0, 1)]) == pytest.approx(0.5)
    assert scoring.weighted_score([(0.5, 1), (None, 5)]) == pytest.approx(0.5)  # unscored KRs do not count
    assert scoring.weighted_score([(0.5, 0), (1.0, 0)]) is None
    assert scoring.weighted_score([]) is None


def test_seeds_seventy_percent_is_success():
    # Three KRs of the onboarding objective: two fully reached, one not moved: 2/3 ~ 0.67, just short of 0.7
    assert scoring.weighted_score([(1.0, 1), (1.0, 1), (0.0, 1)]) == pytest.approx(2 / 3)
    # The e-commerce objective: repurchase 20% -> 30% at 27% (0.7), orders per buyer 1.3 -> 1.8 at 1.65 (0.7),
    # loyalty adoption 0 -> 15% at 10.5% (0.7): a successful quarter scores 0.7
    krs = [
        scoring.progress(0.20, 0.30, 0.27),
        scoring.progress(1.3, 1.8, 1.65),
        scoring.progress(0.0, 0.15, 0.105),
    ]
    assert scoring.weighted_score([(scoring.clamp(p), 1) for p in krs]) == pytest.approx(0.7)


def test_objective_takes_the_worst_status():
    assert scoring.worst_status(["achieved", "on_track", "at_risk"]) == "at_risk"
    assert scoring.worst_status(["on_track", "no_data"]) == "no_data"
    assert scoring.worst_status(["achieved", "missed", "off_track"]) == "missed"


@pytest.mark.parametrize(
    ("text", "baseline", "resolved"),
    [
        ("45%", 0.30, 0.45),
        ("+20%", 0.30, 0.36),  # relative to the baseline
        ("-10%", 40.0, 36.0),
        # of the baseline's size: +25% from a growth rate of -10% is up, to -7.5% (x 1.25 made it -12.5%)
        ("+25%", -0.10, -0.075),
        ("-20%", -0.10, -0.12),
        ("+3pp", 0.30, 0.33),  # percentage points
        (1.8, 1.3, 1.8),
    ],
)
def test_targets_as_written(text, baseline, resolved):
    assert parse_amount(text, allow_relative=True).resolve(baseline) == pytest.approx(resolved)


def test_projection_of_a_straight_line_is_exact():
    weeks = [(date(2026, 10, 4), 0.30), (date(2026, 10, 11), 0.31), (date(2026, 10, 18), 0.32)]
    result = project(weeks, date(2026, 12, 27), 0.40, increasing=True)
    # slope 0.01 per week; 2026-12-27 is 12 weeks after 10-04: 0.30 + 0.12
    assert result.value == pytest.approx(0.42)
    assert result.hit_probability == 1.0


def test_projection_interval_and_probability_from_t():
    from scipy import stats

    points = [
        (date(2026, 10, 4), 10.0),
        (date(2026, 10, 11), 12.0),
        (date(2026, 10, 18), 11.0),
        (date(2026, 10, 25), 13.0),
    ]
    result = project(points, date(2026, 11, 1), 14.0, increasing=True, level=0.8)
    # by hand: x = 0, 7, 14, 21 days (mean 10.5, Sxx 245); y = 10, 12, 11, 13 (mean 11.5, Sxy 28)
    slope, intercept = 28 / 245, 11.5 - 28 / 245 * 10.5
    predicted = intercept + slope * 28
    residual = sum((y - (intercept + slope * x)) ** 2 for x, y in [(0, 10), (7, 12), (14, 11), (21, 13)])
    spread = (residual / 2) ** 0.5 * (1 + 1 / 4 + (28 - 10.5) ** 2 / 245) ** 0.5
    assert result.value == pytest.approx(predicted)
    assert result.high - result.value == pytest.approx(stats.t.ppf(0.9, 2) * spread)
    assert result.hit_probability == pytest.approx(stats.t.sf((14.0 - predicted) / spread, 2))
    assert result.low < result.value < result.high


def test_no_projection_below_three_points():
    result = project([(date(2026, 10, 4), 0.3), (date(2026, 10, 11), 0.31)], DEADLINE, 0.45, increasing=True)
    assert result.value is None and result.hit_probability is None
    assert result.note == "not enough data (2 of 3 points)"


@pytest.mark.parametrize(
    ("as_of", "earliest", "existing", "missing"),
    [
        # a fresh warehouse: every week back to the cycle start, oldest first, the as-of date left out
        (
            date(2026, 11, 15),
            START,
            [],
            [
                date(2026, 10, 4),
                date(2026, 10, 11),
                date(2026, 10, 18),
                date(2026, 10, 25),
                date(2026, 11, 1),
                date(2026, 11, 8),
            ],
        ),
        # weeks already scored are never picked again, nor are weeks checked in on another weekday: 10-05 is
        # a day after the weekly date 10-04 and stands for its week; 10-15 is four days after 10-11, the
        # next week's
        (
            date(2026, 11, 15),
            START,
            [date(2026, 11, 8), date(2026, 10, 18), date(2026, 11, 15), date(2026, 10, 5), date(2026, 10, 15)],
            [date(2026, 10, 11), date(2026, 10, 25), date(2026, 11, 1)],
        ),
        # a Wednesday run after weeks of Sunday check-ins (10-04 ... 11-15): each weekly Wednesday before it
        # is within three days of a Sunday, so nothing is filled in between them
        (date(2026, 11, 18), START, [date(2026, 10, 4) + timedelta(days=7 * w) for w in range(7)], []),
        # three days either side, not four: 10-07 is filled beside a check-in on 10-11
        (date(2026, 10, 14), START, [date(2026, 10, 11)], [date(2026, 10, 7)]),
        # the cycle start itself is a weekly date when it falls on one
        (date(2026, 10, 15), date(2026, 10, 1), [], [date(2026, 10, 1), date(2026, 10, 8)]),
        # in the first week of a cycle there is nothing before the as-of date
        (date(2026, 10, 7), START, [], []),
        (date(2026, 10, 1), START, [], []),
        # everything there already
        (date(2026, 10, 15), date(2026, 10, 1), [date(2026, 10, 1), date(2026, 10, 8)], []),
    ],
)
def test_missing_weekly_dates(as_of, earliest, existing, missing):
    assert missing_weekly_dates(as_of, earliest, existing) == missing


def test_running_cycle_start_is_the_earliest_start_of_a_cycle_containing_the_date():
    q3, q4 = (date(2026, 7, 1), date(2026, 9, 30)), (START, DEADLINE)
    october = (START, date(2026, 10, 31))
    assert running_cycle_start([q3, q4], date(2026, 11, 15)) == START
    assert running_cycle_start([q3, q4], date(2026, 9, 30)) == date(2026, 7, 1)  # the last day still counts
    assert running_cycle_start([(date(2026, 10, 15), DEADLINE), q4, october], date(2026, 10, 20)) == START
    assert running_cycle_start([q3], date(2026, 11, 15)) is None  # an ended cycle is not running
    assert running_cycle_start([], date(2026, 11, 15)) is None


def test_a_week_straddling_the_cycle_start_is_in_the_cycle_for_every_use():
    # the cycle starts on Thursday 2026-10-01: the ISO week 09-28..10-04 ends inside it, so it is the
    # current value on 10-04 and must also count for the guardrail's periods and the projection
    weeks = [
        Period(date(2026, 9, 21), date(2026, 9, 27), 0.1),
        Period(date(2026, 9, 28), date(2026, 10, 4), 0.2),
        Period(date(2026, 10, 5), date(2026, 10, 11), 0.3),
    ]
    series = Series(weeks)
    assert series.before(START) == weeks[:1]
    assert series.within(START, date(2026, 10, 11)) == weeks[1:]
    assert series.within(START, date(2026, 10, 10)) == weeks[1:2]
    assert series.latest_ending_between(START, date(2026, 10, 4)) == weeks[1]


def test_a_projection_is_clamped_to_the_values_the_metric_can_take():
    # minutes to first value falling about 1 a week from 5: a line 13 weeks on is far below zero
    weeks = [(START + timedelta(days=7 * week), value) for week, value in enumerate([5.0, 4.1, 3.0, 2.0])]
    free = project(weeks, DEADLINE, target=2.0, increasing=False)
    clamped = project(weeks, DEADLINE, target=2.0, increasing=False, bounds=(0.0, None))
    assert free.value < 0 and free.high < 0
    assert (clamped.value, clamped.low, clamped.high) == (0.0, 0.0, 0.0)
    assert clamped.hit_probability == free.hit_probability
    # a share rising 20 points a week exactly: 0.5, 0.7, 0.9 would pass 100% within days
    shares = [(START + timedelta(days=7 * week), 0.5 + 0.2 * week) for week in range(3)]
    assert project(shares, DEADLINE, 0.95, True).value > 1
    assert project(shares, DEADLINE, 0.95, True, bounds=(0, 1)).value == 1
