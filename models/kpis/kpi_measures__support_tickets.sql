-- Leaf metric values of the semantic model 'support_tickets' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_support_tickets') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('support_tickets') }}") }}

{{ kpi_leaf_values('support_tickets') }}
