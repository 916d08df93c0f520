-- Leaf metric values of the semantic model 'landing_visits' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_landing_visits') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('landing_visits') }}") }}

{{ kpi_leaf_values('landing_visits') }}
