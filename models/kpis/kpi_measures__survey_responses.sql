-- Leaf metric values of the semantic model 'survey_responses' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_survey_responses') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('survey_responses') }}") }}

{{ kpi_leaf_values('survey_responses') }}
