with

carts as (
    select * from {{ ref('stg_shop__carts') }}
),

checkouts as (
    select * from {{ ref('stg_shop__checkouts') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

checked_out_carts as (
    select
        cart_id,
        min(started_at) as checkout_started_at
    from checkouts
    group by cart_id
),

final as (
    select
        carts.cart_id,
        carts.user_id,
        carts.created_at,
        cast(carts.created_at as date) as cart_date,
        carts.item_count,
        checked_out_carts.checkout_started_at,
        checked_out_carts.cart_id is not null as is_checked_out,
        coalesce(users.platform, 'unknown') as platform,
        coalesce(users.country, 'unknown') as country
    from carts
    left join checked_out_carts on carts.cart_id = checked_out_carts.cart_id
    left join users on carts.user_id = users.user_id
)

-- in cart_date order, so that a date filter (an incremental KPI run) skips the older row groups
select * from final
order by cart_date
