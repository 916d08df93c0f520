{# First day an incremental KPI run recomputes: as_of less the lookback, which is the
   semantic model's days of late or restated rows (kpi_lookback_days, default 3) plus
   the longest cohort maturity among its leaves (the longest of all semantic models when
   semantic_model_name is none, for kpi_values). At each grain the run recomputes the
   periods from the one holding this day on (kpi_recomputed_periods); trailing windows
   only widen the rows it reads. #}
{% macro kpi_incremental_start(semantic_model_name, plan) -%}
    {%- set catalog = plan.catalog -%}
    {%- set lookback = namespace(days=0) -%}
    {%- for name in plan.leaf_dimensions -%}
        {%- set metric = catalog.metrics[name] -%}
        {%- set owner = catalog.measure_models.get(metric.type_params.measure.name) -%}
        {%- if semantic_model_name is none or owner == semantic_model_name -%}
            {%- set late = kpi_lookback_days(catalog.semantic_models[owner]) -%}
            {%- set lookback.days = [lookback.days, late + plan.leaf_maturity.get(name, 0)] | max -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return("cast(" ~ dbt.dateadd('day', -lookback.days, as_of_date()) ~ " as date)") }}
{%- endmacro %}
