with

source as (
    select * from {{ source('shop', 'carts') }}
),

renamed as (
    select
        cart_id,
        user_id,
        session_id,
        item_count,
        created_at,
        _loaded_at
    from source
)

select * from renamed
