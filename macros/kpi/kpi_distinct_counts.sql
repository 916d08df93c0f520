{# CTEs computing a distinct-count leaf at every grain, for the total and each split,
   ending with one named distinct__<leaf>: grain, period_start, dimension_name,
   dimension_value, value. Each grain takes the distinct (period, member) pairs once;
   a dimension in per_member (joined on the counted key, so one value per member) is
   then a join and a count, any other dimension its own distinct (period, segment,
   member) set. A COUNT(DISTINCT) per GROUPING SET would hash every row once per set.
   An incremental run (start given) reads at each grain only the periods it recomputes. #}
{% macro kpi_distinct_counts(leaf, dimensions, grains, time_column, start, per_member) -%}
    {%- set name = 'distinct__' ~ leaf.name -%}
    {%- for grain in grains %}
{{ name }}__{{ grain }} as (
    select distinct
        {{ kpi_period_start(grain, time_column) }} as period_start,
        measure__{{ leaf.name }} as member
        {%- for dimension in dimensions if dimension.qualified not in per_member %},
        {{ dimension.split }}
        {%- endfor %}
    from {{ kpi_member_rows(leaf, dimensions, per_member) }}
    where
        {{ time_column }} is not null
        and ({{ leaf.filter.sql }})
        {%- if start is not none %}
        and {{ time_column }} >= {{ kpi_period_start(grain, start) }}
        {%- endif %}
),

    {%- endfor %}
{{ name }} as (
    {%- for grain in grains %}
    select
        '{{ grain }}' as grain,
        period_start,
        'all' as dimension_name,
        'all' as dimension_value,
        count(distinct member) as value
    from {{ name }}__{{ grain }}
    group by period_start
        {%- for dimension in dimensions %}
    union all
    select
        '{{ grain }}' as grain,
        members.period_start,
        '{{ dimension.short }}' as dimension_name,
            {%- if dimension.qualified in per_member %}
                {%- set segment = kpi_segment_value(per_member[dimension.qualified] ~ '.' ~ dimension.column) %}
        {{ segment }} as dimension_value,
        count(distinct members.member) as value
    from {{ name }}__{{ grain }} as members
    left join {{ per_member[dimension.qualified] }} on members.member = {{ per_member[dimension.qualified] }}.join_key
    group by members.period_start, {{ segment }}
            {%- else %}
        members.{{ dimension.split }} as dimension_value,
        count(distinct members.member) as value
    from {{ name }}__{{ grain }} as members
    group by members.period_start, members.{{ dimension.split }}
            {%- endif %}
        {%- endfor %}
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
)
{%- endmacro %}
