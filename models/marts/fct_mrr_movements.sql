-- One row per user per day on which the user's MRR changed: new, expansion,
-- contraction, churn (the day after the last paid day) or reactivation. Summed
-- over a period, the movements explain the change in MRR; net revenue retention
-- reads expansion, contraction and churn from here.
with

subscription_days as (
    select * from {{ ref('fct_subscription_days') }}
),

user_mrr_days as (
    select
        user_id,
        date_day,
        sum(mrr_amount) as mrr_amount
    from subscription_days
    group by user_id, date_day
),

sequenced as (
    select
        user_id,
        date_day,
        mrr_amount,
        lag(date_day) over (partition by user_id order by date_day) as previous_paid_day,
        lag(mrr_amount) over (partition by user_id order by date_day) as previous_paid_mrr,
        lead(date_day) over (partition by user_id order by date_day) as next_paid_day,
        min(date_day) over (partition by user_id) as first_paid_day
    from user_mrr_days
),

changes as (
    select
        user_id,
        date_day,
        first_paid_day,
        case
            when previous_paid_day = cast({{ dbt.dateadd('day', -1, 'date_day') }} as date) then previous_paid_mrr
            else 0
        end as previous_mrr,
        mrr_amount
    from sequenced
),

churns as (
    select
        user_id,
        cast({{ dbt.dateadd('day', 1, 'date_day') }} as date) as date_day,
        first_paid_day,
        mrr_amount as previous_mrr,
        0 as mrr_amount
    from sequenced
    where
        (next_paid_day is null or next_paid_day > cast({{ dbt.dateadd('day', 1, 'date_day') }} as date))
        and date_day < {{ as_of_date() }}
),

movements as (
    select * from changes
    where previous_mrr <> mrr_amount
    union all
    select * from churns
),

users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        {{ surrogate_key(['movements.user_id', 'movements.date_day']) }} as mrr_movement_id,
        movements.user_id,
        movements.date_day,
        case
            when movements.previous_mrr = 0 and movements.date_day = movements.first_paid_day then 'new'
            when movements.previous_mrr = 0 then 'reactivation'
            when movements.mrr_amount = 0 then 'churn'
            when movements.mrr_amount > movements.previous_mrr then 'expansion'
            else 'contraction'
        end as movement_type,
        cast(movements.previous_mrr as decimal(10, 2)) as previous_mrr_amount,
        cast(movements.mrr_amount as decimal(10, 2)) as mrr_amount,
        cast(movements.mrr_amount - movements.previous_mrr as decimal(10, 2)) as mrr_change_amount,
        coalesce(users.platform, 'unknown') as platform,
        coalesce(users.country, 'unknown') as country
    from movements
    left join users on movements.user_id = users.user_id
)

select * from final
