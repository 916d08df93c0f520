{# A Python value as a SQL literal: null, a number, or a quoted string. #}
{% macro kpi_literal(value) -%}
    {%- if value is none -%} null
    {%- elif value is sameas true -%} true
    {%- elif value is sameas false -%} false
    {%- elif value is number -%} {{ value }}
    {%- else -%} '{{ value | string | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}
