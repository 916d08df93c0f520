"""The segment values and grains kpis.kpi_values holds, for the segment-value and grain lint rules (kept
apart from evaluate, whose statistics imports would slow `scorecard lint` to a third of its speed)."""

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


def metric_grains(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """metric -> the grains kpis.kpi_values holds it at (a quarterly quota's attainment: quarter only)."""
    grains: dict[str, set[str]] = defaultdict(set)
    for metric, grain in con.execute("select distinct metric_name, grain from kpis.kpi_values").fetchall():
        grains[metric].add(grain)
    return dict(grains)
