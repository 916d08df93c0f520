-- Leaf metric values of the semantic model 'sessions' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_sessions') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('sessions') }}") }}

{{ kpi_leaf_values('sessions') }}
