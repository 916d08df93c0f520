with

users as (
    select * from {{ ref('stg_app__users') }}
),

onboarding as (
    select * from {{ ref('int_events_summarized_to_users') }}
),

purchases as (
    select
        user_id,
        min(case when purchase_number = 1 then ordered_at end) as first_purchase_at,
        min(case when purchase_number = 2 then ordered_at end) as second_purchase_at
    from {{ ref('int_orders_joined_to_deliveries') }}
    where purchase_number <= 2
    group by user_id
),

loyalty as (
    select * from {{ ref('stg_shop__loyalty_enrollments') }}
),

paid_subscriptions as (
    select
        user_id,
        min(started_at) as first_subscription_started_at
    from {{ ref('stg_billing__subscriptions') }}
    where started_at is not null
    group by user_id
),

final as (
    select
        users.user_id,
        users.landing_visit_id,
        users.platform,
        coalesce(users.country, 'unknown') as country,
        users.acquisition_channel,
        users.landing_visit_id is not null as has_landing_visit,
        users.signed_up_at,
        users.signup_date,
        {{ iso_week_start('users.signup_date') }} as signup_week_start,
        onboarding.first_value_at,
        {{ dbt.datediff('users.signed_up_at', 'onboarding.first_value_at', 'second') }} / 60.0
            as minutes_to_first_value,
        cast(coalesce(onboarding.onboarding_steps_completed, 0) as integer) as onboarding_steps_completed,
        purchases.first_purchase_at,
        purchases.second_purchase_at,
        loyalty.enrolled_at as loyalty_enrolled_at,
        paid_subscriptions.first_subscription_started_at,
        -- the first money the user paid us, for the shop or for a subscription (CAC's denominator)
        case
            when purchases.first_purchase_at is null then paid_subscriptions.first_subscription_started_at
            when paid_subscriptions.first_subscription_started_at is null then purchases.first_purchase_at
            else least(purchases.first_purchase_at, paid_subscriptions.first_subscription_started_at)
        end as first_payment_at
    from users
    left join onboarding on users.user_id = onboarding.user_id
    left join purchases on users.user_id = purchases.user_id
    left join loyalty on users.user_id = loyalty.user_id
    left join paid_subscriptions on users.user_id = paid_subscriptions.user_id
)

select * from final
