-- Leaf metric values of the semantic model 'subscription_days' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_subscription_days') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('subscription_days') }}") }}

{{ kpi_leaf_values('subscription_days') }}
