-- One row per order. Cancelled orders (including ones refunded after delivery)
-- stay visible but are not purchases: they carry no purchase_number and no
-- repurchase flag. The 90-day repurchase flag is null until 90 days have passed.
with

orders as (
    select * from {{ ref('int_orders_joined_to_deliveries') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        orders.order_id,
        orders.user_id,
        cast(orders.ordered_at as date) as order_date,
        orders.ordered_at,
        orders.order_status,
        orders.is_cancelled,
        orders.order_amount,
        cast(case when orders.is_cancelled then 0 else orders.order_amount end as decimal(12, 2)) as revenue_amount,
        cast(orders.purchase_number as integer) as purchase_number,
        coalesce(orders.purchase_number = 1, false) as is_first_purchase,
        case
            when orders.is_cancelled then null
            when
                orders.next_purchase_at is not null
                and orders.next_purchase_at <= {{ dbt.dateadd('day', 90, 'orders.ordered_at') }}
                then true
            when cast({{ dbt.dateadd('day', 90, 'orders.ordered_at') }} as date) <= {{ as_of_date() }} then false
        end as is_repurchased_within_90d,
        orders.carrier,
        orders.shipped_at,
        orders.delivered_at,
        cast(orders.delivered_at as date) as delivery_date,
        {{ dbt.datediff('orders.ordered_at', 'orders.delivered_at', 'second') }} / 86400.0 as delivery_days,
        orders.cancelled_at,
        coalesce(users.platform, 'unknown') as platform,
        coalesce(users.country, 'unknown') as country
    from orders
    left join users on orders.user_id = users.user_id
)

-- in order_date order, so that a date filter (an incremental KPI run) skips the older row groups
select * from final
order by order_date
