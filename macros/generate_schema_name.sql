{# Use the folder's custom schema as-is (staging, marts, kpis, ...) instead of
   dbt's default <target schema>_<custom schema>, so BI tools see stable names. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
