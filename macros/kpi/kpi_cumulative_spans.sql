{# An incremental run's member changes for a distinct count over a trailing window of
   `window` days, when the days it recomputes (start to as_of) fit in one window.
   A member is then counted on a recomputed day d if its last day before start is less
   than the window before d (a prefix of the recomputed days) or it was active on a day
   from start to d (a suffix, since it stays in the window to as_of). So each member
   needs two values, found by one grouping, instead of every day of every member in
   order (kpi_cumulative_values' lag and lead): out_of_window, the first day its last
   day before start no longer counts, and first_from, its first day from start on.
   Rows read start the window before start (keep), so a member whose last day is that
   far back is out of the window at start. segments: [{name, value}] SQL for the total
   and each split computed here; rows: the CTE they are read from (kpi_member_rows).
   Ends with the CTE <name>__member_changes: dimension_name, dimension_value, member,
   day, change (+1 entering the count, -1 leaving), as kpi_cumulative_values uses. #}
{% macro kpi_cumulative_spans(name, leaf, segments, time_column, start, window, keep, rows) -%}
{{ name }}__spans as (
    {%- for segment in segments %}
    select
        {{ segment.name }} as dimension_name,
        {{ segment.value }} as dimension_value,
        measure__{{ leaf.name }} as member,
        cast({{ dbt.dateadd('day', window, 'max(case when ' ~ time_column ~ ' < ' ~ start ~ ' then ' ~ time_column ~ ' end)') }} as date) as out_of_window,
        min(case when {{ time_column }} >= {{ start }} then {{ time_column }} end) as first_from
    from {{ rows }}
    where {{ keep }} and measure__{{ leaf.name }} is not null
    group by dimension_name, dimension_value, member
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
),

{{ name }}__member_changes as (
    select dimension_name, dimension_value, member, {{ start }} as day, 1 as change
    from {{ name }}__spans
    where out_of_window > {{ start }}
    union all
    select dimension_name, dimension_value, member, out_of_window as day, -1 as change
    from {{ name }}__spans
    where out_of_window > {{ start }} and (first_from is null or first_from > out_of_window)
    union all
    select dimension_name, dimension_value, member, first_from as day, 1 as change
    from {{ name }}__spans
    where first_from is not null and (out_of_window is null or out_of_window <= {{ start }} or first_from > out_of_window)
)
{%- endmacro %}
