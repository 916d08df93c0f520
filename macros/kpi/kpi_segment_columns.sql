{# dimension_name and dimension_value of a GROUPING SETS row: the one split column
   grouped in this set, or 'all' for the total. #}
{% macro kpi_segment_columns(dimensions) -%}
    {%- if dimensions -%}
        case
            {%- for dimension in dimensions %}
            when grouping({{ dimension.split }}) = 0 then '{{ dimension.short }}'
            {%- endfor %}
            else 'all'
        end as dimension_name,
        case
            {%- for dimension in dimensions %}
            when grouping({{ dimension.split }}) = 0 then {{ dimension.split }}
            {%- endfor %}
            else 'all'
        end as dimension_value
    {%- else -%}
        'all' as dimension_name,
        'all' as dimension_value
    {%- endif -%}
{%- endmacro %}
