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

{# The CTE a distinct count reads its rows from: base, the semantic model's own columns,
   when each split it takes per row is one value per member (a join after counting) and
   its filter names no dimension; otherwise source, which joins the dimensions to every
   row. At 100M events, joining the quarter's user days to dim_users was most of an
   incremental run of user_days. #}
{% macro kpi_member_rows(leaf, dimensions, per_member) -%}
    {%- set split_per_row = dimensions | rejectattr('qualified', 'in', per_member) | list -%}
    {{ return('source' if split_per_row or leaf.filter.dimensions else 'base') }}
{%- endmacro %}
