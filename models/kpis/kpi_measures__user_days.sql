-- Leaf metric values of the semantic model 'user_days' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_user_days') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('user_days') }}") }}

{{ kpi_leaf_values('user_days') }}
