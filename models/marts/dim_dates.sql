-- A calendar wide enough for any history the project holds; ISO weeks start on Monday.
with

days as (
    {{ dbt.date_spine('day', "cast('2020-01-01' as date)", "cast('2031-01-01' as date)") }}
),

final as (
    select
        cast(date_day as date) as date_day,
        {{ iso_week_start('date_day') }} as week_start,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
        cast(extract(year from date_day) as integer) as calendar_year,
        cast(extract(isodow from date_day) as integer) as iso_day_of_week,
        extract(isodow from date_day) >= 6 as is_weekend
    from days
)

select * from final
