-- Leaf metric values of the semantic model 'subscriptions' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_subscriptions') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('subscriptions') }}") }}

{{ kpi_leaf_values('subscriptions') }}
