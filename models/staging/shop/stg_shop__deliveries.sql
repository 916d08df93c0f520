with

source as (
    select * from {{ source('shop', 'deliveries') }}
),

renamed as (
    select
        delivery_id,
        order_id,
        carrier,
        shipped_at,
        delivered_at,
        _loaded_at
    from source
)

select * from renamed
