-- Leaf metric values of the semantic model 'invoices' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_invoices') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('invoices') }}") }}

{{ kpi_leaf_values('invoices') }}
