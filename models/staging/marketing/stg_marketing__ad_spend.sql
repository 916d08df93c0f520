with

source as (
    select * from {{ source('marketing', 'ad_spend') }}
),

renamed as (
    select
        {{ surrogate_key(['spend_date', 'channel']) }} as ad_spend_id,
        spend_date,
        channel,
        cast(spend as decimal(12, 2)) as spend_amount,
        impressions,
        clicks,
        _loaded_at
    from source
)

select * from renamed
