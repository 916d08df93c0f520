-- One row per paid subscription per day it is active at the end of that day,
-- with the plan and monthly price in force then. MRR on a day is the sum of
-- mrr_amount on that day: a balance, never to be summed across days.
with

stretches as (
    select * from {{ ref('int_subscriptions_split_by_plan') }}
),

dates as (
    select * from {{ ref('dim_dates') }}
    where date_day <= {{ as_of_date() }}
),

users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        {{ surrogate_key(['stretches.subscription_id', 'dates.date_day']) }} as subscription_day_id,
        stretches.subscription_id,
        stretches.user_id,
        dates.date_day,
        stretches.plan,
        cast(stretches.monthly_price as decimal(10, 2)) as mrr_amount,
        coalesce(users.platform, 'unknown') as platform,
        coalesce(users.country, 'unknown') as country
    from stretches
    inner join dates
        on
            dates.date_day >= cast(stretches.stretch_started_at as date)
            and (stretches.stretch_ended_at is null or dates.date_day < cast(stretches.stretch_ended_at as date))
    left join users on stretches.user_id = users.user_id
)

-- in date_day order, so that a date filter (an incremental KPI run) skips the older row groups
select * from final
order by date_day
