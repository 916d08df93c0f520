{# Stop the build with one line naming the metric's file, the metric and the problem. #}
{% macro kpi_error(metric, message) -%}
    {%- set where = metric.original_file_path ~ ": metric '" ~ metric.name ~ "'" if metric is mapping and metric.name else "kpi compiler" -%}
    {{ exceptions.raise_compiler_error(where ~ ": " ~ message) }}
{%- endmacro %}
