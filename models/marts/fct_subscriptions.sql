-- One row per subscription. A subscriber who cancels and comes back gets a new
-- subscription, flagged as a restart. Trial conversion is null until the trial is over.
with

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

numbered as (
    select
        *,
        row_number() over (
            partition by user_id order by coalesce(trial_started_at, started_at), subscription_id
        ) as subscription_number
    from subscriptions
),

final as (
    select
        numbered.subscription_id,
        numbered.user_id,
        numbered.subscription_status,
        numbered.current_plan,
        numbered.current_monthly_price,
        numbered.trial_started_at,
        numbered.trial_ended_at,
        cast(numbered.trial_ended_at as date) as trial_end_date,
        case
            when numbered.trial_started_at is null then null
            when numbered.started_at is not null then true
            when cast(numbered.trial_ended_at as date) <= {{ as_of_date() }} then false
        end as is_trial_converted,
        numbered.started_at,
        cast(numbered.started_at as date) as start_date,
        numbered.cancelled_at,
        cast(numbered.cancelled_at as date) as cancel_date,
        numbered.subscription_number > 1 as is_restart,
        coalesce(users.platform, 'unknown') as platform,
        coalesce(users.country, 'unknown') as country
    from numbered
    left join users on numbered.user_id = users.user_id
)

select * from final
