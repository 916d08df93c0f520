{# One aggregate query for leaves sharing a time dimension: every grain and every
   split in a single GROUPING SETS pass. With balance_choice (max/min), only the rows
   on the last/first day of each period count: a non-additive balance such as MRR.
   An incremental run (start given) recomputes fewer periods at the finer grains, so it
   takes one pass per grain, each over the rows of the periods it recomputes only. #}
{% macro kpi_grouped_aggregates(leaves, dimensions, grains, time_column, balance_choice, start) -%}
    {%- if start is none -%}
        {{ kpi_grouping_pass(leaves, dimensions, grains, time_column, balance_choice, none) }}
    {%- else -%}
        {%- for grain in grains -%}
            {{ kpi_grouping_pass(leaves, dimensions, [grain], time_column, balance_choice, kpi_period_start(grain, start)) }}
            {%- if not loop.last %}
    union all
            {% endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{% macro kpi_grouping_pass(leaves, dimensions, grains, time_column, balance_choice, floor) -%}
    select
        {%- if grains | length > 1 %}
        case
            {%- for grain in grains %}
            when grouping(period_{{ grain }}) = 0 then '{{ grain }}'
            {%- endfor %}
        end as grain,
        coalesce({% for grain in grains %}period_{{ grain }}{{ ", " if not loop.last }}{% endfor %}) as period_start,
        {%- else %}
        '{{ grains[0] }}' as grain,
        period_{{ grains[0] }} as period_start,
        {%- endif %}
        {{ kpi_segment_columns(dimensions) }},
        {%- for leaf in leaves %}
        {{ kpi_aggregate(leaf) }} as value__{{ leaf.name }},
        {%- if leaf.measure.agg == 'average' %}
        sum(case when {{ leaf.filter.sql }} then measure__{{ leaf.name }} end) as numerator__{{ leaf.name }},
        count(case when {{ leaf.filter.sql }} then measure__{{ leaf.name }} end) as denominator__{{ leaf.name }},
        {%- endif %}
        count(case when {{ leaf.filter.sql }} then 1 end) as rows__{{ leaf.name }}{{ "," if not loop.last }}
        {%- endfor %}
    from (
        select
            source.*
            {%- for grain in grains %},
            {{ kpi_period_start(grain, time_column) }} as period_{{ grain }}
            {%- endfor %}
        from source
        where
            {{ time_column }} is not null
            {%- if floor is not none %}
            and {{ time_column }} >= {{ floor }}
            {%- endif %}
            {%- if balance_choice %}
            and {{ time_column }} in (
                select {{ balance_choice }}({{ time_column }})
                from source
                where
                    {{ time_column }} is not null
                    {%- if floor is not none %}
                    and {{ time_column }} >= {{ floor }}
                    {%- endif %}
                group by {{ kpi_period_start(grains[0], time_column) }}
            )
            {%- endif %}
    ) as periods
    group by grouping sets (
        {%- for grain in grains %}
        (period_{{ grain }})
        {%- for dimension in dimensions %},
        (period_{{ grain }}, {{ dimension.split }})
        {%- endfor %}{{ "," if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}
