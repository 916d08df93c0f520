-- Leaf metric values of the semantic model 'rep_quotas' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_rep_quotas') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('rep_quotas') }}") }}

{{ kpi_leaf_values('rep_quotas') }}
