{# The resolved dimensions some of the given leaves are split by, in a stable order. #}
{% macro kpi_split_dimensions(leaves, resolved) -%}
    {%- set names = [] -%}
    {%- for leaf in leaves -%}
        {%- for qualified in leaf.dimensions if qualified not in names -%}
            {%- do names.append(qualified) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set dimensions = [] -%}
    {%- for qualified in names | sort -%}
        {%- do dimensions.append(resolved[qualified]) -%}
    {%- endfor -%}
    {{ return(dimensions) }}
{%- endmacro %}
