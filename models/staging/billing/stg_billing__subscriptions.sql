with

source as (
    select * from {{ source('billing', 'subscriptions') }}
),

renamed as (
    select
        subscription_id,
        user_id,
        plan as current_plan,
        cast(monthly_price as decimal(10, 2)) as current_monthly_price,
        status as subscription_status,
        trial_started_at,
        trial_ended_at,
        started_at,
        -- the billing system spells it the American way
        canceled_at as cancelled_at,
        _loaded_at
    from source
)

select * from renamed
