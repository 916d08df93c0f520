-- The shop: carts start in sessions, some become checkouts, most checkouts
-- become orders. Orders ship, get delivered, and a few are cancelled, some of
-- them after delivery (a refund). Loyalty enrolment follows repeat purchase.
create or replace temp table gen_carts as
select
    -- at most one cart per session: ids follow the session's, stable when history is extended
    session_id as cart_id,
    session_id,
    user_id,
    started_at + secs(60 + 240 * rnd('cart_time', session_id)) as created_at,
    1 + floor(-2 * ln(1 - rnd('cart_items', session_id)))::integer as items
from gen_sessions
where rnd('cart', session_id) < 0.07;

create or replace temp table gen_checkouts as
select
    cart_id as checkout_id,
    cart_id,
    user_id,
    items,
    created_at + secs(60 + 540 * rnd('checkout_time', cart_id)) as started_at
from gen_carts
where rnd('checkout', cart_id) < 0.45;

create or replace temp table gen_orders as
with placed as (
    select
        checkout_id as order_id,
        checkout_id,
        user_id,
        started_at + secs(60 + 240 * rnd('order_time', checkout_id)) as ordered_at,
        round(exp(ln(14) + 0.5 * norm('amount', checkout_id)) * items + 5.0, 2)::decimal(12, 2) as amount
    from gen_checkouts
    where rnd('order', checkout_id) < 0.86
),

lifecycle as (
    select
        *,
        rnd('cancel_early', order_id) < 0.035 as is_cancelled_early,
        ordered_at + secs(14400 + 43200 * rnd('ship', order_id)) as shipped_at_planned
    from placed
),

delivered as (
    select
        *,
        shipped_at_planned + secs(3600 * exp(ln(30) + 0.45 * norm('transit', order_id))) as delivered_at_planned
    from lifecycle
)

select
    order_id,
    checkout_id,
    user_id,
    ordered_at,
    amount,
    case when is_cancelled_early then null else shipped_at_planned end as shipped_at,
    case when is_cancelled_early then null else delivered_at_planned end as delivered_at,
    case
        when is_cancelled_early then ordered_at + secs(7200 + 64800 * rnd('cancel_time', order_id))
        -- about 1% of delivered orders are cancelled and refunded afterwards
        when rnd('cancel_late', order_id) < 0.01 then delivered_at_planned + secs(86400 * (1 + 4 * rnd('refund_time', order_id)))
    end as cancelled_at
from delivered;

create or replace temp table gen_loyalty as
with live_orders as (
    select
        user_id,
        ordered_at,
        row_number() over (partition by user_id order by ordered_at, order_id) as order_number
    from gen_orders
    where cancelled_at is null or cancelled_at > getvariable('load_cutoff')
),

candidates as (
    select
        user_id,
        ordered_at,
        order_number
    from live_orders
    where order_number <= 2
),

enrolled as (
    select
        user_id,
        ordered_at + secs(86400 * 14 * rnd('loyalty_delay', user_id)) as enrolled_at,
        order_number
    from candidates
    where
        (order_number = 1 and rnd('loyalty_first', user_id) < 0.02)
        -- the 2026-Q4 loyalty push roughly doubles enrolment among repeat buyers
        or (
            order_number = 2
            and rnd('loyalty_repeat', user_id)
            < case when ordered_at >= getvariable('paid_push_on') then 0.2 else 0.09 end
        )
)

select
    row_number() over (order by min(enrolled_at), user_id) as enrollment_id,
    user_id,
    min(enrolled_at) as enrolled_at,
    case when rnd('loyalty_tier', user_id) < 0.8 then 'member' else 'plus' end as tier
from enrolled
group by user_id;
