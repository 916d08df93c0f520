-- One row per stretch of a paid subscription on one plan: a plan change ends
-- one stretch and starts the next at the new price.
with

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
    where started_at is not null
),

changes as (
    select * from {{ ref('stg_billing__subscription_changes') }}
),

first_changes as (
    select
        subscription_id,
        previous_plan,
        previous_monthly_price,
        row_number() over (partition by subscription_id order by changed_at, change_id) as change_number
    from changes
),

initial_stretches as (
    select
        subscriptions.subscription_id,
        coalesce(first_changes.previous_plan, subscriptions.current_plan) as plan,
        coalesce(first_changes.previous_monthly_price, subscriptions.current_monthly_price) as monthly_price,
        subscriptions.started_at as stretch_started_at
    from subscriptions
    left join first_changes
        on
            subscriptions.subscription_id = first_changes.subscription_id
            and first_changes.change_number = 1
),

changed_stretches as (
    select
        changes.subscription_id,
        changes.new_plan as plan,
        changes.new_monthly_price as monthly_price,
        changes.changed_at as stretch_started_at
    from changes
    inner join subscriptions on changes.subscription_id = subscriptions.subscription_id
),

stretches as (
    select * from initial_stretches
    union all
    select * from changed_stretches
),

final as (
    select
        {{ surrogate_key(['stretches.subscription_id', 'stretches.stretch_started_at']) }} as plan_stretch_id,
        stretches.subscription_id,
        subscriptions.user_id,
        stretches.plan,
        stretches.monthly_price,
        stretches.stretch_started_at,
        coalesce(
            lead(stretches.stretch_started_at) over (
                partition by stretches.subscription_id order by stretches.stretch_started_at
            ),
            subscriptions.cancelled_at
        ) as stretch_ended_at
    from stretches
    inner join subscriptions on stretches.subscription_id = subscriptions.subscription_id
)

select * from final
