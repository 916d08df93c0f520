{# The last day of the KPI period that starts on period_start, for a grain held in a column. #}
{% macro kpi_period_end(grain_column, period_start_column) -%}
    case {{ grain_column }}
        {%- for grain in kpi_grains() %}
        when '{{ grain }}' then cast({{ dbt.dateadd('day', -1, dbt.dateadd(grain if grain != 'week' else 'day', 1 if grain != 'week' else 7, period_start_column)) }} as date)
        {%- endfor %}
    end
{%- endmacro %}
