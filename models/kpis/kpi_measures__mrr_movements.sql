-- Leaf metric values of the semantic model 'mrr_movements' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_mrr_movements') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('mrr_movements') }}") }}

{{ kpi_leaf_values('mrr_movements') }}
