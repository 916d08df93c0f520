{# CTEs computing a cumulative leaf (a trailing window of N days, or all time) for
   every day, then one value per period by its period_agg (first, last or average day).
   Each member or daily total enters the running sum on its day and leaves it N days
   later, so a distinct count over a trailing window costs one pass over the rows
   instead of a join of every row to every day of its window. Ends with a CTE named
   cumulative__<leaf>: grain, period_start, dimension_name, dimension_value, value. #}
{% macro kpi_cumulative_values(leaf, dimensions, grains, time_column, start) -%}
    {%- set name = 'cumulative__' ~ leaf.name -%}
    {%- set window = kpi_window_days(leaf.metric) -%}
    {%- set params = leaf.metric.type_params.cumulative_type_params or {} -%}
    {%- set period_agg = params.get('period_agg') or 'first' -%}
    {%- set agg = leaf.measure.agg -%}
    {%- if agg not in ['count_distinct', 'sum', 'count', 'sum_boolean'] -%}
        {{ kpi_error(leaf.metric, "a cumulative metric over a '" ~ agg ~ "' measure is not supported by the KPI compiler (count_distinct, sum, count, sum_boolean)") }}
    {%- endif -%}
    {%- set keep -%}
        {{ time_column }} is not null
        and ({{ leaf.filter.sql }})
        {%- if start is not none and window %}
        and {{ time_column }} >= cast({{ dbt.dateadd('day', -window, start) }} as date)
        {%- endif %}
    {%- endset -%}
{%- if agg == 'count_distinct' -%}
{{ name }}__members as (
    select distinct
        'all' as dimension_name,
        'all' as dimension_value,
        measure__{{ leaf.name }} as member,
        {{ time_column }} as day
    from source
    where {{ keep }} and measure__{{ leaf.name }} is not null
    {%- for dimension in dimensions %}
    union
    select distinct
        '{{ dimension.short }}' as dimension_name,
        {{ dimension.split }} as dimension_value,
        measure__{{ leaf.name }} as member,
        {{ time_column }} as day
    from source
    where {{ keep }} and measure__{{ leaf.name }} is not null
    {%- endfor %}
),

{{ name }}__islands as (
    select
        dimension_name,
        dimension_value,
        member,
        day,
        sum(case
            when previous_day is null {%- if window %} or {{ dbt.datediff('previous_day', 'day', 'day') }} >= {{ window }}{% endif %} then 1
            else 0
        end) over (
            partition by dimension_name, dimension_value, member order by day rows between unbounded preceding and current row
        ) as island
    from (
        select
            *,
            lag(day) over (partition by dimension_name, dimension_value, member order by day) as previous_day
        from {{ name }}__members
    ) as lagged
),

{{ name }}__changes as (
    select
        dimension_name,
        dimension_value,
        min(day) as day,
        1 as change,
        1 as row_change
    from {{ name }}__islands
    group by dimension_name, dimension_value, member, island
    {%- if window %}
    union all
    select
        dimension_name,
        dimension_value,
        cast({{ dbt.dateadd('day', window, 'max(day)') }} as date) as day,
        -1 as change,
        -1 as row_change
    from {{ name }}__islands
    group by dimension_name, dimension_value, member, island
    {%- endif %}
),
{%- else %}
{{ name }}__totals as (
    select
        {{ kpi_segment_columns(dimensions) }},
        {{ time_column }} as day,
        {{ kpi_aggregate(leaf) }} as total,
        count(*) as row_count
    from source
    where {{ keep }}
    group by grouping sets (
        ({{ time_column }})
        {%- for dimension in dimensions %},
        ({{ time_column }}, {{ dimension.split }})
        {%- endfor %}
    )
),

{{ name }}__changes as (
    select dimension_name, dimension_value, day, total as change, row_count as row_change
    from {{ name }}__totals
    {%- if window %}
    union all
    select
        dimension_name,
        dimension_value,
        cast({{ dbt.dateadd('day', window, 'day') }} as date) as day,
        -total as change,
        -row_count as row_change
    from {{ name }}__totals
    {%- endif %}
),
{%- endif %}

{{ name }}__daily as (
    select
        segments.dimension_name,
        segments.dimension_value,
        spine.date_day as day,
        sum(coalesce(changes.change, 0)) over (
            partition by segments.dimension_name, segments.dimension_value order by spine.date_day
            rows between unbounded preceding and current row
        ) as value,
        sum(coalesce(changes.row_change, 0)) over (
            partition by segments.dimension_name, segments.dimension_value order by spine.date_day
            rows between unbounded preceding and current row
        ) as window_rows
    from (
        select dimension_name, dimension_value, min(day) as first_day
        from {{ name }}__changes
        group by dimension_name, dimension_value
    ) as segments
    inner join {{ ref('metricflow_time_spine') }} as spine
        on spine.date_day >= segments.first_day and spine.date_day <= {{ as_of_date() }}
    left join (
        select dimension_name, dimension_value, day, sum(change) as change, sum(row_change) as row_change
        from {{ name }}__changes
        group by dimension_name, dimension_value, day
    ) as changes
        on
            segments.dimension_name = changes.dimension_name
            and segments.dimension_value = changes.dimension_value
            and spine.date_day = changes.day
),

{{ name }}__periods as (
    {%- for grain in grains %}
    select
        '{{ grain }}' as grain,
        {{ kpi_period_start(grain, 'day') }} as period_start,
        dimension_name,
        dimension_value,
        value,
        row_number() over (
            partition by dimension_name, dimension_value, {{ kpi_period_start(grain, 'day') }} order by day desc
        ) as rank_from_last,
        row_number() over (
            partition by dimension_name, dimension_value, {{ kpi_period_start(grain, 'day') }} order by day
        ) as rank_from_first
    from {{ name }}__daily
    where window_rows > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

{{ name }} as (
    {%- if period_agg == 'average' %}
    select grain, period_start, dimension_name, dimension_value, avg(value) as value
    from {{ name }}__periods
    group by grain, period_start, dimension_name, dimension_value
    {%- else %}
    select grain, period_start, dimension_name, dimension_value, value
    from {{ name }}__periods
    where {{ 'rank_from_last' if period_agg == 'last' else 'rank_from_first' }} = 1
    {%- endif %}
)
{%- endmacro %}
