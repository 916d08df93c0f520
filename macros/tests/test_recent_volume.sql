{# Generic test: each of the last `days` complete days before the as-of date has at least
   `min_ratio` times the average daily row count of the `baseline_days` before them, so a
   source that stopped loading or lost a day shows up. The as-of day itself is left out: its
   late rows have not arrived yet. A day is short only if it is also `min_sigmas` standard
   deviations below the average, taking a day's rows as a count of independent events (a
   Poisson count, whose standard deviation is the square root of its mean): a source of a few
   rows a day has days of none by chance alone, and a ratio alone would fail it most weeks.
   From 36 rows a day on (with the defaults) the ratio alone decides. Fails with one row per
   short day. #}
{% test recent_volume(model, column_name, days=7, baseline_days=28, min_ratio=0.5, min_sigmas=3) %}

with

daily as (
    select
        cast({{ column_name }} as date) as day,
        count(*) as row_count
    from {{ model }}
    where
        cast({{ column_name }} as date) < {{ as_of_date() }}
        and cast({{ column_name }} as date) >= cast({{ dbt.dateadd('day', -(days + baseline_days), as_of_date()) }} as date)
    group by cast({{ column_name }} as date)
),

calendar as (
    select date_day as day
    from {{ ref('metricflow_time_spine') }}
    where
        date_day < {{ as_of_date() }}
        and date_day >= cast({{ dbt.dateadd('day', -days, as_of_date()) }} as date)
),

baseline as (
    select sum(row_count) / {{ baseline_days }}.0 as average_rows
    from daily
    where day < cast({{ dbt.dateadd('day', -days, as_of_date()) }} as date)
),

recent_days as (
    select
        calendar.day,
        coalesce(daily.row_count, 0) as row_count
    from calendar
    left join daily on calendar.day = daily.day
),

final as (
    select
        recent_days.day,
        recent_days.row_count,
        baseline.average_rows,
        {{ min_ratio }} as min_ratio,
        {{ min_sigmas }} as min_sigmas
    from recent_days
    cross join baseline
    where
        recent_days.row_count
        < least({{ min_ratio }} * baseline.average_rows, baseline.average_rows - {{ min_sigmas }} * sqrt(baseline.average_rows))
)

select * from final

{% endtest %}
