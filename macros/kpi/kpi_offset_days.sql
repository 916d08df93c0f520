{# The longest offset_window among the derived metrics in the plan, in days (rounded
   up), so an incremental assembly reads far enough back for its earlier periods. #}
{% macro kpi_offset_days(plan) -%}
    {%- set days_per = {'day': 1, 'week': 7, 'month': 31, 'quarter': 92, 'year': 366} -%}
    {%- set longest = namespace(days=0) -%}
    {%- for name in plan.order -%}
        {%- for input in kpi_metric_inputs(plan.catalog.metrics[name]) if input.offset -%}
            {%- set longest.days = [longest.days, input.offset.count * days_per.get(input.offset.granularity, 366)] | max -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(longest.days) }}
{%- endmacro %}
