{# The split dimensions of a distinct-count leaf that are one value per counted member:
   joined on the very key it counts (user__platform for distinct users). Maps each to
   the CTE of its join, so the compiler can split members by a join after counting. #}
{% macro kpi_member_dimensions(leaf, dimensions, join_aliases) -%}
    {%- set per_member = {} -%}
    {%- for dimension in kpi_split_dimensions([leaf], dimensions) -%}
        {%- if dimension.joined and dimension.foreign_key == (leaf.measure.expr or leaf.measure.name) -%}
            {%- do per_member.update({dimension.qualified: join_aliases[dimension.qualified]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(per_member) }}
{%- endmacro %}
