"""The diff comment as a reviewer reads it: numbers written out, no stray blank lines."""

from __future__ import annotations

from datetime import date

from scorecard.diff.markdown import render
from scorecard.diff.model import (
    DiffReport,
    KeyResultImpact,
    KpiStatusChange,
    Lineage,
    MetricValues,
    RenamedKpi,
    RowChange,
)


def _report(**parts) -> DiffReport:
    empty = Lineage(models=[], semantic_models=[], metrics=[], kpis=[], key_results=[])
    fields = dict(
        base="main",
        head="HEAD",
        as_of=date(2026, 11, 15),
        values_changed=True,
        breaking=[],
        goalposts=[],
        key_results=[],
        metric_values=[],
        kpi_statuses=[],
        definition_changes=[],
        lineage=empty,
        built_models=[],
    )
    return DiffReport(**(fields | parts))


def test_revenue_reads_in_full_and_shares_in_four_digits():
    # a week's revenue moved by 1,102.50: in 4 significant digits it read 1.42e+04 → 1.53e+04 (+1102)
    revenue = MetricValues(
        metric="order_revenue",
        grain="week",
        changed_periods=1,
        total_periods=98,
        changed_rows=1,
        largest_absolute=RowChange(period_start=date(2026, 10, 5), segment="all", before=14199.82, after=15302.32),
        largest_relative=RowChange(period_start=date(2026, 10, 5), segment="all", before=13403.0, after=0.28314),
    )
    text = render(_report(metric_values=[revenue]))
    assert "14,199.82 → 15,302.32 (+1,102.50) in 2026-10-05" in text
    assert "13,403 → 0.2831 (-100.0%) in 2026-10-05" in text
    assert "e+0" not in text


def test_key_results_that_do_not_move_leave_no_blank_line_doubled():
    kept = KeyResultImpact(
        key_result="growth/2026-Q4/onboarding/d1-retention",
        metric="d1_retention",
        base_score=0.5,
        base_status="on_track",
        head_score=0.5,
        head_status="on_track",
        changed=False,
    )
    text = render(_report(key_results=[kept]))
    start = text.index("### Key results")
    assert text[start:].startswith("### Key results\n\n| Key result |")
    moved = kept.model_copy(update={"head_score": 0.7, "changed": True})
    text = render(_report(key_results=[moved]))
    start = text.index("### Key results")
    assert "\n\n\n" not in text[start:] and "- This change moves KR **d1-retention**" in text[start:]


def test_a_kpi_whose_cadence_changed_shows_each_sides_own_period():
    # the row read "month of 2026-10-01 | 4.182 → 13.17": 4.182 was the week of 11-09's value
    change = KpiStatusChange(
        metric="sessions_per_active_user",
        cadence="month",
        period_start=date(2026, 10, 1),
        base_cadence="week",
        base_period_start=date(2026, 11, 9),
        base_value=4.182,
        head_value=13.17,
        base_target=4.5,
        head_target=4.5,
        base_status="off_target",
        head_status="on_target",
        changed=True,
    )
    text = render(_report(kpi_statuses=[change]))
    assert "| sessions\\_per\\_active\\_user | week of 2026-11-09 → month of 2026-10-01 | 4.182 → 13.17 |" in text
    same = change.model_copy(update={"base_cadence": "month", "base_period_start": date(2026, 10, 1)})
    assert "| month of 2026-10-01 | 4.182 → 13.17 |" in render(_report(kpi_statuses=[same]))
    added = change.model_copy(update={"base_cadence": None, "base_period_start": None, "base_value": None})
    assert "| month of 2026-10-01 | no value → 13.17 |" in render(_report(kpi_statuses=[added]))


def test_a_renamed_kpi_is_told_as_a_rename_and_not_counted_as_moving():
    leaving = MetricValues(
        metric="d1_retention",
        grain="week",
        changed_periods=12,
        total_periods=12,
        changed_rows=60,
        largest_absolute=None,
        largest_relative=None,
    )
    arriving = leaving.model_copy(update={"metric": "day1_retention"})
    moving = leaving.model_copy(update={"metric": "d7_retention", "changed_periods": 1, "changed_rows": 1})
    renamed = RenamedKpi(base_metric="d1_retention", head_metric="day1_retention", rows=1234)
    text = render(_report(metric_values=[leaving, arriving, moving], renamed_kpis=[renamed]))
    assert "**Values change**: 1 KPI and 0 key results move, 1 KPI renamed. Review before merging." in text
    assert (
        "### Renamed KPIs\n\n- `d1_retention` → `day1_retention`: the same values in all 1,234 rows of "
        "`kpi_values`; key results and dashboards that read `d1_retention` must follow\n"
    ) in text
