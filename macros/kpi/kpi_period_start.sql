{# The first day of the KPI period (day, ISO week, month, quarter) holding a date. #}
{% macro kpi_period_start(grain, column) -%}
    {%- if grain == 'day' -%}
        {{ column }}
    {%- elif grain == 'week' -%}
        {{ iso_week_start(column) }}
    {%- else -%}
        cast({{ dbt.date_trunc(grain, column) }} as date)
    {%- endif -%}
{%- endmacro %}
