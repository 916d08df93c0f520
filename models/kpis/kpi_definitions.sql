-- The KPI catalog from metrics/: one row per metric with config.meta.kpi.
{{ config(pre_hook="{{ kpi_incremental_cleanup(replace_all=true) }}") }}

{{ kpi_definitions_sql() }}
