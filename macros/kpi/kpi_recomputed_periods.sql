{# The rows an incremental KPI run replaces: at each grain, the periods from the one
   holding start on. The same condition deletes them and filters what is inserted. #}
{% macro kpi_recomputed_periods(start, grain_column='grain', period_column='period_start') -%}
    (
        {%- for grain in kpi_grains() %}
        {{ "or " if not loop.first }}({{ grain_column }} = '{{ grain }}' and {{ period_column }} >= {{ kpi_period_start(grain, start) }})
        {%- endfor %}
    )
{%- endmacro %}
