-- Leaf metric values of the semantic model 'orders' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_orders') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('orders') }}") }}

{{ kpi_leaf_values('orders') }}
