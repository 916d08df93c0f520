-- Leaf metric values of the semantic model 'repeat_buyers' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_repeat_buyers') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('repeat_buyers') }}") }}

{{ kpi_leaf_values('repeat_buyers') }}
