"""How numbers read in the reports: values shown side by side share one precision."""

from __future__ import annotations

import pytest

from scorecard.report import formatting as fmt


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
