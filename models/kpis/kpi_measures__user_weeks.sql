-- Leaf metric values of the semantic model 'user_weeks' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_user_weeks') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('user_weeks') }}") }}

{{ kpi_leaf_values('user_weeks') }}
