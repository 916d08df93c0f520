"""MetricFlow as an independent engine for the KPI numbers (tests and benchmarks only).

MetricFlow renders its own SQL for a metric query from dbt's semantic_manifest.json; this module
runs that SQL on the same DuckDB file, so kpi_values can be compared with a second implementation
of the dbt Semantic Layer spec. Needs the dev extra (dbt-metricflow).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
from metricflow.data_table.mf_table import MetricFlowDataTable
from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
from metricflow.protocols.sql_client import SqlEngine
from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer
from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup


class DuckDbSqlClient:
    """MetricFlow's SqlClient protocol over a plain DuckDB connection."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection
        self._renderer = DuckDbSqlPlanRenderer()

    @property
    def sql_engine_type(self) -> SqlEngine:
        return SqlEngine.DUCKDB

    @property
    def sql_plan_renderer(self) -> DuckDbSqlPlanRenderer:
        return self._renderer

    def query(self, stmt: str, sql_bind_parameter_set=None) -> MetricFlowDataTable:
        result = self._connection.execute(stmt)
        columns = [d[0] for d in result.description]
        return MetricFlowDataTable.create_from_rows(column_names=columns, rows=result.fetchall())

    def execute(self, stmt: str, sql_bind_parameter_set=None) -> None:
        self._connection.execute(stmt).fetchall()

    def dry_run(self, stmt: str, sql_bind_parameter_set=None) -> None:
        self._connection.execute(f"explain {stmt}").fetchall()

    def close(self) -> None:
        self._connection.close()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"


class MetricFlowCheck:
    """Render MetricFlow SQL for metric queries and run it on a DuckDB warehouse."""

    def __init__(self, semantic_manifest: Path, connection: duckdb.DuckDBPyConnection) -> None:
        manifest = parse_manifest_from_dbt_generated_manifest(manifest_json_string=semantic_manifest.read_text())
        self.connection = connection
        self.engine = MetricFlowEngine(
            semantic_manifest_lookup=SemanticManifestLookup(manifest), sql_client=DuckDbSqlClient(connection)
        )

    def sql(self, metrics: Sequence[str], group_by: Sequence[str]) -> str:
        request = MetricFlowQueryRequest.create(metric_names=list(metrics), group_by_names=list(group_by))
        return self.engine.explain(request).sql_statement.sql

    def rows(self, metrics: Sequence[str], group_by: Sequence[str]) -> tuple[list[str], list[tuple]]:
        result = self.connection.execute(self.sql(metrics, group_by))
        return [d[0] for d in result.description], result.fetchall()


def as_float(values: Iterable) -> list[float | None]:
    return [None if v is None else float(v) for v in values]
