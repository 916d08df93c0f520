{# CTEs computing a cumulative leaf (a trailing window of N days, or all time) for
   every day, then one value per period by its period_agg (first, last or average day).
   Each member or daily total enters the running sum on its day and leaves it N days
   later, so a distinct count over a trailing window costs one pass over the rows
   instead of a join of every row to every day of its window. Ends with a CTE named
   cumulative__<leaf>: grain, period_start, dimension_name, dimension_value, value.
   An incremental run (start given) computes the days from start on; the earlier days
   of the periods it recomputes are the table's own day rows, which still hold them.
   per_member maps the dimensions that are one value per counted member (joined on the
   member's own key) to their join's CTE: a distinct count's runs of days are then
   found once per member and split by a join, not once per member and segment.
   lookback_days (none on a full build) puts start that many days before as_of; when the
   days recomputed fit in one window, a distinct count needs only each member's last day
   before start and first day from start on (kpi_cumulative_spans), a grouping instead
   of ordering every day of every member. #}
{% macro kpi_cumulative_values(leaf, dimensions, grains, time_column, lookback_days=none, per_member={}) -%}
    {%- set name = 'cumulative__' ~ leaf.name -%}
    {%- set start = kpi_start_day(lookback_days) if lookback_days is not none else none -%}
    {%- set window = kpi_window_days(leaf.metric) -%}
    {%- set params = leaf.metric.type_params.cumulative_type_params or {} -%}
    {%- set period_agg = params.get('period_agg') or 'first' -%}
    {%- set agg = leaf.measure.agg -%}
    {%- if agg not in ['count_distinct', 'sum', 'count', 'sum_boolean'] -%}
        {{ kpi_error(leaf.metric, "a cumulative metric over a '" ~ agg ~ "' measure is not supported by the KPI compiler (count_distinct, sum, count, sum_boolean)") }}
    {%- endif -%}
    {%- set reads_back = start is not none and 'day' in grains -%}
    {%- set keep -%}
        {{ time_column }} is not null
        and ({{ leaf.filter.sql }})
        {%- if start is not none and window %}
        and {{ time_column }} >= {{ kpi_cumulative_floor(leaf, grains, start) }}
        {%- endif %}
    {%- endset -%}
{%- if agg == 'count_distinct' -%}
    {#- the total and each split not joined on the member: members are taken per segment -#}
    {%- set segments = [{'name': "'all'", 'value': "'all'"}] -%}
    {%- for dimension in dimensions if dimension.qualified not in per_member -%}
        {%- do segments.append({'name': "'" ~ dimension.short ~ "'", 'value': dimension.split}) -%}
    {%- endfor -%}
{%- if reads_back and window and lookback_days + kpi_catch_up_days() < window -%}
{{ kpi_cumulative_spans(name, leaf, segments, time_column, start, window, keep, kpi_member_rows(leaf, dimensions, per_member)) }},
{%- else -%}
{{ name }}__members as (
    {%- for segment in segments %}
    select distinct
        {{ segment.name }} as dimension_name,
        {{ segment.value }} as dimension_value,
        measure__{{ leaf.name }} as member,
        {{ time_column }} as day
    from {{ kpi_member_rows(leaf, dimensions, per_member) }}
    where {{ keep }} and measure__{{ leaf.name }} is not null
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
),

{#- a member enters the running count on the first day of a run of active days less than
    the window apart, and leaves it the window's length after the run's last day: one
    pass over its days (lag and lead), no grouping by member -#}
{{ name }}__neighbours as (
    select
        dimension_name,
        dimension_value,
        member,
        day,
        lag(day) over (partition by dimension_name, dimension_value, member order by day) as previous_day,
        lead(day) over (partition by dimension_name, dimension_value, member order by day) as next_day
    from {{ name }}__members
),

{{ name }}__member_changes as (
    select
        dimension_name,
        dimension_value,
        member,
        day,
        1 as change
    from {{ name }}__neighbours
    where previous_day is null {%- if window %} or {{ dbt.datediff('previous_day', 'day', 'day') }} >= {{ window }}{% endif %}
    {%- if window %}
    union all
    select
        dimension_name,
        dimension_value,
        member,
        cast({{ dbt.dateadd('day', window, 'day') }} as date) as day,
        -1 as change
    from {{ name }}__neighbours
    where next_day is null or {{ dbt.datediff('day', 'next_day', 'day') }} >= {{ window }}
    {%- endif %}
),
{%- endif %}

{{ name }}__changes as (
    select dimension_name, dimension_value, day, change, change as row_change
    from {{ name }}__member_changes
    {%- for dimension in dimensions if dimension.qualified in per_member %}
    union all
    select
        '{{ dimension.short }}' as dimension_name,
        {{ kpi_segment_value(per_member[dimension.qualified] ~ '.' ~ dimension.column) }} as dimension_value,
        member_changes.day,
        member_changes.change,
        member_changes.change as row_change
    from {{ name }}__member_changes as member_changes
    left join {{ per_member[dimension.qualified] }} on member_changes.member = {{ per_member[dimension.qualified] }}.join_key
    where member_changes.dimension_name = 'all'
    {%- endfor %}
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

{#- a day whose window holds no rows has no value (no row at day grain); under period_agg last it is
    still the period's last day, so a segment whose members all left the window before the period
    ended has no value for it, rather than the value of its last day with members -#}
{{ name }}__days as (
    select dimension_name, dimension_value, day, value, window_rows > 0 as has_rows
    from {{ name }}__daily
    where {{ 'true' if period_agg == 'last' else 'window_rows > 0' }}
    {%- if reads_back %}
        and day >= {{ start }}
    union all
    select dimension_name, dimension_value, day, value, true as has_rows
    from ({{ kpi_stored_days([leaf.name], start) }}) as stored
    {%- endif %}
),

{{ name }}__periods as (
    {%- for grain in grains %}
    select
        '{{ grain }}' as grain,
        {{ kpi_period_start(grain, 'day') }} as period_start,
        dimension_name,
        dimension_value,
        value,
        has_rows,
        row_number() over (
            partition by dimension_name, dimension_value, {{ kpi_period_start(grain, 'day') }} order by day desc
        ) as rank_from_last,
        row_number() over (
            partition by dimension_name, dimension_value, {{ kpi_period_start(grain, 'day') }} order by day
        ) as rank_from_first
    from {{ name }}__days
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

{#- average: over the period's days to the as-of date, a day with no member counting 0 (a
    day's trailing value is 0 then, not unknown), so two averages over a period have the same
    days; the days with members alone would make a sparse segment's average daily actives
    larger than its average 28-day actives. Summed over the day rows there are, which an
    incremental run has too (stored before start, computed from it). -#}
{{ name }} as (
    {%- if period_agg == 'average' %}
    select
        grain,
        period_start,
        dimension_name,
        dimension_value,
        sum(value) / (
            {{ dbt.datediff('period_start', 'least(' ~ kpi_period_end('grain', 'period_start') ~ ', ' ~ as_of_date() ~ ')', 'day') }} + 1
        ) as value
    from {{ name }}__periods
    group by grain, period_start, dimension_name, dimension_value
    {%- else %}
    select grain, period_start, dimension_name, dimension_value, value
    from {{ name }}__periods
    where {{ 'rank_from_last' if period_agg == 'last' else 'rank_from_first' }} = 1 and has_rows
    {%- endif %}
)
{%- endmacro %}
