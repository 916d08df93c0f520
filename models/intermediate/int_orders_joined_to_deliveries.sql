with

orders as (
    select * from {{ ref('stg_shop__orders') }}
),

deliveries as (
    select * from {{ ref('stg_shop__deliveries') }}
),

joined as (
    select
        orders.order_id,
        orders.user_id,
        orders.order_status,
        orders.is_cancelled,
        orders.order_amount,
        orders.ordered_at,
        orders.cancelled_at,
        deliveries.carrier,
        deliveries.shipped_at,
        deliveries.delivered_at
    from orders
    left join deliveries on orders.order_id = deliveries.order_id
),

-- A cancelled order (including one refunded after delivery) is no purchase:
-- it does not count towards a user's order sequence.
sequenced as (
    select
        *,
        case
            when not is_cancelled
                then row_number() over (partition by user_id, is_cancelled order by ordered_at, order_id)
        end as purchase_number,
        case
            when not is_cancelled
                then lead(ordered_at) over (partition by user_id, is_cancelled order by ordered_at, order_id)
        end as next_purchase_at
    from joined
),

final as (
    select * from sequenced
)

select * from final
