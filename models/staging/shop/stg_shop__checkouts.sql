with

source as (
    select * from {{ source('shop', 'checkouts') }}
),

renamed as (
    select
        checkout_id,
        cart_id,
        started_at,
        _loaded_at
    from source
)

select * from renamed
