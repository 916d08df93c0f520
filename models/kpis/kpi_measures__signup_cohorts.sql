-- Leaf metric values of the semantic model 'signup_cohorts' (SQL from the KPI compiler, macros/kpi/).
-- depends_on: {{ ref('fct_user_cohorts') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('metricflow_time_spine') }}
{{ config(pre_hook="{{ kpi_incremental_cleanup('signup_cohorts') }}") }}

{{ kpi_leaf_values('signup_cohorts') }}
