{# Monday of the ISO week holding a date. Dispatched because engines disagree on
   which day date_trunc('week') starts on. #}
{% macro iso_week_start(column) -%}
    {{ return(adapter.dispatch('iso_week_start', 'scorecard')(column)) }}
{%- endmacro %}

{% macro default__iso_week_start(column) -%}
    cast({{ dbt.date_trunc('week', column) }} as date)
{%- endmacro %}

{% macro duckdb__iso_week_start(column) -%}
    {# DuckDB's date_trunc('week') is ISO: weeks start on Monday. #}
    cast(date_trunc('week', {{ column }}) as date)
{%- endmacro %}
