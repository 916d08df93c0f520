with

spend as (
    select * from {{ ref('stg_marketing__ad_spend') }}
),

final as (
    select
        ad_spend_id,
        spend_date,
        channel,
        spend_amount,
        impressions,
        clicks
    from spend
)

select * from final
