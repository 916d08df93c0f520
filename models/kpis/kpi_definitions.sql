-- The KPI catalog from metrics/: one row per metric with config.meta.kpi.
{{ config(materialized='table') }}

{{ kpi_definitions_sql() }}
