{# The grains every KPI is materialized at, finest first. Weeks are ISO weeks (Monday). #}
{% macro kpi_grains() -%}
    {{ return(['day', 'week', 'month', 'quarter']) }}
{%- endmacro %}
