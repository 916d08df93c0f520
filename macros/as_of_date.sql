{# The date the data is judged at (var as_of): cohort maturity and period
   completeness are measured against it, never against the wall clock. #}
{% macro as_of_date() -%}
    cast('{{ var("as_of") }}' as date)
{%- endmacro %}

{# The same date as text, YYYY-MM-DD (var as_of may carry a time of day), for Jinja
   that compares or records dates rather than SQL that filters by them. #}
{% macro as_of_day() -%}
    {{ return((var("as_of") | string)[:10]) }}
{%- endmacro %}
