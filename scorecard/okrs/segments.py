"""The segment values kpis.kpi_values holds, for the segment-value lint rule (kept apart from evaluate,
whose statistics imports would slow `scorecard lint` to a third of its speed)."""

from __future__ import annotations

from collections import defaultdict

import duckdb


def segment_values(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], set[str]]:
    """(metric, dimension) -> every value kpis.kpi_values holds for it."""
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows = con.execute(
        "select distinct metric_name, dimension_name, dimension_value from kpis.kpi_values "
        "where dimension_name <> 'all'"
    ).fetchall()
    for metric, dimension, value in rows:
        values[(metric, dimension)].add(value)
    return dict(values)
