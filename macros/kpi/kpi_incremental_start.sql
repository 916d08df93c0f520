{# First day an incremental KPI run recomputes: the start of the quarter holding
   (as_of - lookback), where the lookback covers the longest cohort maturity or
   trailing window among the leaves read off the semantic model (all of them when
   semantic_model_name is none, for kpi_values) plus three days of late-arriving rows.
   Starting on a quarter boundary keeps every recomputed period whole at every grain. #}
{% macro kpi_incremental_start(semantic_model_name, plan) -%}
    {%- set catalog = plan.catalog -%}
    {%- set lookback = namespace(days=3) -%}
    {%- for name in plan.leaf_dimensions -%}
        {%- set metric = catalog.metrics[name] -%}
        {%- set owner = catalog.measure_models.get(metric.type_params.measure.name) -%}
        {%- if semantic_model_name is none or owner == semantic_model_name -%}
            {%- set window = kpi_window_days(metric) -%}
            {%- set lookback.days = [lookback.days, 3 + plan.leaf_maturity.get(name, 0) + (window or 0)] | max -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return("cast(" ~ dbt.date_trunc('quarter', "cast(" ~ dbt.dateadd('day', -lookback.days, as_of_date()) ~ " as date)") ~ " as date)") }}
{%- endmacro %}
