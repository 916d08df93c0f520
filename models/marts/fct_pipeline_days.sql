-- One row per deal per day it is open at the end of that day (created, not yet
-- closed). Open pipeline on a day is the sum of deal_amount on that day: a
-- balance, never to be summed across days.
with

deals as (
    select * from {{ ref('fct_deals') }}
),

dates as (
    select * from {{ ref('dim_dates') }}
    where date_day <= {{ as_of_date() }}
),

final as (
    select
        {{ surrogate_key(['deals.deal_id', 'dates.date_day']) }} as pipeline_day_id,
        deals.deal_id,
        dates.date_day,
        deals.sales_rep,
        deals.deal_stage,
        deals.deal_amount
    from deals
    inner join dates
        on
            deals.created_date <= dates.date_day
            and (deals.closed_date is null or deals.closed_date > dates.date_day)
)

-- in date_day order, so that a date filter (an incremental KPI run) skips the older row groups
select * from final
order by date_day
