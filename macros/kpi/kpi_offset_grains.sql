{# The grains at which a derived input's offset_window lands on another period start
   of the same grain (one month back from a month is a month; from an ISO week it is not). #}
{% macro kpi_offset_grains(offset) -%}
    {%- set unit, count = offset.granularity, offset.count -%}
    {%- set grains = ['day'] -%}
    {%- if unit == 'week' or (unit == 'day' and count % 7 == 0) -%}
        {%- do grains.append('week') -%}
    {%- endif -%}
    {%- if unit in ['month', 'quarter', 'year'] -%}
        {%- do grains.append('month') -%}
    {%- endif -%}
    {%- if unit in ['quarter', 'year'] or (unit == 'month' and count % 3 == 0) -%}
        {%- do grains.append('quarter') -%}
    {%- endif -%}
    {{ return(grains) }}
{%- endmacro %}
