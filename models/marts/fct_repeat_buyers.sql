-- One row per user who has made a second (non-cancelled) purchase: the population
-- loyalty adoption is measured on. A repeat buyer counts as adopted from the later
-- of becoming a repeat buyer and enrolling in the loyalty program.
with

users as (
    select * from {{ ref('dim_users') }}
    where second_purchase_at is not null
),

final as (
    select
        user_id,
        second_purchase_at as became_repeat_buyer_at,
        cast(second_purchase_at as date) as became_repeat_buyer_date,
        loyalty_enrolled_at,
        case
            when loyalty_enrolled_at is not null
                then cast(case
                    when loyalty_enrolled_at > second_purchase_at then loyalty_enrolled_at
                    else second_purchase_at
                end as date)
        end as loyalty_adoption_date,
        platform,
        country,
        acquisition_channel
    from users
)

select * from final
