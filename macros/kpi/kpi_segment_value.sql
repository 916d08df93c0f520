{# A dimension's value as a KPI segment: text, with a missing value and a value spelled
   'unknown' as one segment. Used wherever a split is read, so every path agrees. #}
{% macro kpi_segment_value(column) -%}
    {{ return("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), 'unknown')") }}
{%- endmacro %}
