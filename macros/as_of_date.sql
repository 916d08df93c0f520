{# The date the data is judged at (var as_of): cohort maturity and period
   completeness are measured against it, never against the wall clock. #}
{% macro as_of_date() -%}
    cast('{{ var("as_of") }}' as date)
{%- endmacro %}
