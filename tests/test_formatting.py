"""How numbers read in the reports: values shown side by side share one precision."""

from __future__ import annotations

import pytest

from scorecard.report import formatting as fmt
from scorecard.report.model import DataQuality


@pytest.mark.parametrize(
    ("numbers", "unit", "shown"),
    [
        # the sample's CSAT row read "7.50 → 7.61 → 9"
        ((7.5, 7.61, 9.0), "score", ["7.50", "7.61", "9.00"]),
        ((12.0, 15.25, 20.0), "minutes", ["12.0 min", "15.2 min", "20.0 min"]),
        ((1200.0, 1250.4, 1500.0), "count", ["1,200", "1,250", "1,500"]),
        ((950.0, 1200.0), "currency", ["$950.00", "$1,200.00"]),
        ((None, 3.0, 4.5), "minutes", [fmt.value(None, "minutes"), "3.00 min", "4.50 min"]),
        ((-0.5, 2.0), None, ["\N{MINUS SIGN}0.50", "2.00"]),
        ((0.3, 0.452, 0.45), "percent", ["30.0%", "45.2%", "45.0%"]),
        ((10.0, 20.0), "count", ["10", "20"]),
        # a projection's interval read "$382,374 (80%: $0.00 to $813,356)"
        ((382374.2, 0.0, 813356.4), "currency", ["$382,374", "$0", "$813,356"]),
    ],
)
def test_values_side_by_side_share_one_precision(numbers, unit, shown):
    assert fmt.values(numbers, unit) == shown


@pytest.mark.parametrize(
    ("number", "unit", "shown"),
    [(9.0, "score", "9"), (7.61, "score", "7.61"), (15.25, "minutes", "15.2 min"), (1234.5, "currency", "$1,234")],
)
def test_a_value_alone_keeps_the_precision_its_size_calls_for(number, unit, shown):
    assert fmt.value(number, unit) == shown


@pytest.mark.parametrize(
    ("now", "previous", "shown"),
    [
        # by hand from the sample's check-ins: 0.7758 -> 0.6736 shows as 0.78 -> 0.67, so -0.11 (it read
        # -0.10, the exact change -0.1022 rounded); 0.9667 -> 0.9944 shows as 0.97 -> 0.99, so +0.02
        (0.6736, 0.7758, "\N{MINUS SIGN}0.11"),
        (0.9944, 0.9667, "+0.02"),
        (0.2, 1 / 3, "\N{MINUS SIGN}0.13"),
        (0.501, 0.499, "±0.00"),
        (1.0, 0.0, "+1.00"),
        (0.5, None, fmt.score(None)),
    ],
)
def test_a_score_change_is_the_difference_of_the_scores_as_shown(now, previous, shown):
    assert fmt.score_change(now, previous) == shown


@pytest.mark.parametrize(
    ("number", "target", "unit", "shown"),
    [
        # the sample's avg_session_minutes, 7.9999 "near target" beside a target of 8 min, read "8.00 min"
        (7.9999, 8.0, "minutes", "7.9999 min"),
        (8.004, 8.0, "minutes", "8.004 min"),
        (0.44996, 0.45, "percent", "44.996%"),
        (39.996, 40.0, "currency", "$39.996"),
        # where the usual precision already reads on the right side, or the value is the target: as usual
        (7.61, 8.0, "minutes", "7.61 min"),
        (8.0, 8.0, "minutes", "8 min"),
        (0.452, 0.45, "percent", "45.2%"),
        (7.9999, None, "minutes", "8.00 min"),
        # a value at its target reads as usual, though 0.29 * 100 is 28.999999999999996
        (0.29, 0.29, "percent", "29.0%"),
        (-0.29, -0.29, "percent", "\N{MINUS SIGN}29.0%"),
        (7.996, 7.996, "minutes", "8.00 min"),
        # the target as shown decides too: 0.2951 is 29.5% against a target of 29.46%, shown 29.5%
        (0.2951, 0.2946, "percent", "29.51%"),
    ],
)
def test_a_value_beside_its_target_reads_on_its_own_side_of_it(number, target, unit, shown):
    assert fmt.value_beside(number, target, unit) == shown


@pytest.mark.parametrize(
    ("by_status", "kpi_data_status", "shown"),
    [
        # a day with stale sources only read "failed checks, checks that could not run or stale data"
        ({"pass": 790, "fail": 2}, {"ok": 40, "stale": 8}, "2 failed checks and 8 KPIs on stale data"),
        ({"pass": 9, "error": 1}, {"ok": 47, "unknown": 1}, "1 check that could not run"),
        (
            {"fail": 1, "error": 2},
            {"failed": 3, "stale": 1},
            "1 failed check, 2 checks that could not run and 1 KPI on stale data",
        ),
    ],
)
def test_problems_found_says_which(by_status, kpi_data_status, shown):
    quality = DataQuality(checks=10, by_status=by_status, by_kind={}, kpi_data_status=kpi_data_status, problems=[])
    assert fmt.problems_found(quality) == shown
