{# Leaves grouped by the first day an incremental run recomputes them, as
   [(start, leaves)] in a stable order; one group with start none on a full build. #}
{% macro kpi_leaves_by_start(leaves, starts) -%}
    {%- set groups = [] -%}
    {%- for leaf in leaves -%}
        {%- set start = starts.get(leaf.name) -%}
        {%- set found = namespace(group=none) -%}
        {%- for group in groups if group[0] == start -%}
            {%- set found.group = group -%}
        {%- endfor -%}
        {%- if found.group is none -%}
            {%- do groups.append((start, [leaf])) -%}
        {%- else -%}
            {%- do found.group[1].append(leaf) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(groups) }}
{%- endmacro %}
