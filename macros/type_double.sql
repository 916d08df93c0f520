{# A double-precision float: dbt.type_float() is a 4-byte float on some engines
   (DuckDB), too coarse for KPI values compared to 1e-9. #}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'scorecard')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}
