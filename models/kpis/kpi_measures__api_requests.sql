-- Leaf metric values of the semantic model 'api_requests' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_api_requests') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('api_requests') }}") }}

{{ kpi_leaf_values('api_requests') }}
