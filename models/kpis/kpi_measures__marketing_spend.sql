-- Leaf metric values of the semantic model 'marketing_spend' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_marketing_spend') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('marketing_spend') }}") }}

{{ kpi_leaf_values('marketing_spend') }}
