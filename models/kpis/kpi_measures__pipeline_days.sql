-- Leaf metric values of the semantic model 'pipeline_days' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_pipeline_days') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('pipeline_days') }}") }}

{{ kpi_leaf_values('pipeline_days') }}
