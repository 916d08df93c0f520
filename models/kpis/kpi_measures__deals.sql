-- Leaf metric values of the semantic model 'deals' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_deals') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('deals') }}") }}

{{ kpi_leaf_values('deals') }}
