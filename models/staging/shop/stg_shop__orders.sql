with

source as (
    select * from {{ source('shop', 'orders') }}
),

renamed as (
    select
        order_id,
        checkout_id,
        user_id,
        status as order_status,
        status = 'cancelled' as is_cancelled,
        cast(amount as decimal(12, 2)) as order_amount,
        currency,
        ordered_at,
        cancelled_at,
        _loaded_at
    from source
)

select * from renamed
