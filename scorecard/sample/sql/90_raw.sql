-- The raw schema as the loaders would have left it at the load cutoff (the
-- midnight after the as-of date): rows that had not arrived by then are
-- missing, mutable rows show their state at the cutoff, and every row carries
-- the _loaded_at of its latest load.
create or replace temp macro seen(ts) as
    case when ts <= getvariable('load_cutoff') then ts end;

create or replace temp macro arrived(ts) as
    ts <= getvariable('load_cutoff');

-- A mutable row is re-loaded after each change; the lag never carries it past the cutoff.
create or replace temp macro reloaded(ts, lag) as
    least(ts + lag, getvariable('load_cutoff') - interval 1 minute);

create table raw.landing_visits as
select
    visit_id,
    visited_at,
    channel,
    landing_page,
    loaded_at as _loaded_at
from gen_landing_visits
where arrived(loaded_at);

create table raw.users as
with users as (
    select
        u.user_id,
        u.signed_up_at,
        u.platform,
        u.country,
        u.acquisition_channel,
        v.visit_id as landing_visit_id,
        u.signed_up_at + load_lag('user', u.user_id) as _loaded_at
    from gen_users as u
    left join gen_landing_visits as v on u.user_id = v.user_id
)

select * from users
where arrived(_loaded_at);

create table raw.sessions as
with sessions as (
    select
        session_id,
        user_id,
        started_at,
        started_at + secs(60 * duration_minutes) as ended_at,
        platform,
        opened_from_push,
        started_at + secs(60 * duration_minutes) + load_lag('session', session_id) as _loaded_at
    from gen_sessions
)

select
    session_id,
    user_id,
    started_at,
    -- a few sessions are never closed by the client
    case when rnd('unclosed', session_id) < 0.002 then null else ended_at end as ended_at,
    platform,
    opened_from_push,
    _loaded_at
from sessions
where arrived(_loaded_at);

create table raw.events as
with events as (
    select
        event_id,
        session_id,
        user_id,
        event_name,
        occurred_at,
        screen_name,
        onboarding_step,
        feature_name,
        occurred_at + load_lag('event', event_id) as _loaded_at
    from gen_events
)

select * from events
where arrived(_loaded_at);

create table raw.carts as
select
    cart_id,
    user_id,
    session_id,
    created_at,
    items as item_count,
    created_at + load_lag('cart', cart_id) as _loaded_at
from gen_carts
where arrived(created_at + load_lag('cart', cart_id));

create table raw.checkouts as
select
    checkout_id,
    cart_id,
    started_at,
    started_at + load_lag('checkout', checkout_id) as _loaded_at
from gen_checkouts
where arrived(started_at + load_lag('checkout', checkout_id));

create table raw.orders as
with orders as (
    select
        *,
        seen(shipped_at) as shipped_seen,
        seen(delivered_at) as delivered_seen,
        seen(cancelled_at) as cancelled_seen
    from gen_orders
    where arrived(ordered_at + load_lag('order', order_id))
)

select
    order_id,
    checkout_id,
    user_id,
    ordered_at,
    amount,
    'USD' as currency,
    case
        when cancelled_seen is not null then 'cancelled'
        when delivered_seen is not null then 'delivered'
        when shipped_seen is not null then 'shipped'
        else 'placed'
    end as status,
    cancelled_seen as cancelled_at,
    reloaded(greatest(ordered_at, shipped_seen, delivered_seen, cancelled_seen), load_lag('order', order_id)) as _loaded_at
from orders;

create table raw.deliveries as
select
    order_id as delivery_id,
    order_id,
    case floor(rnd('carrier', order_id) * 3)::integer when 0 then 'ups' when 1 then 'dhl' else 'postal' end as carrier,
    shipped_at,
    seen(delivered_at) as delivered_at,
    reloaded(greatest(shipped_at, seen(delivered_at)), load_lag('delivery', order_id)) as _loaded_at
from gen_orders
where arrived(shipped_at) and arrived(ordered_at + load_lag('order', order_id));

create table raw.loyalty_enrollments as
select
    enrollment_id,
    user_id,
    enrolled_at,
    tier,
    enrolled_at + load_lag('loyalty', enrollment_id) as _loaded_at
from gen_loyalty
where arrived(enrolled_at + load_lag('loyalty', enrollment_id));

create table raw.subscriptions as
with visible as (
    select
        s.*,
        seen(s.started_at) as started_seen,
        seen(s.cancelled_at) as cancelled_seen,
        seen(c.changed_at) as changed_seen,
        c.new_plan
    from gen_subscriptions as s
    left join gen_plan_changes as c on s.subscription_id = c.subscription_id
    where arrived(coalesce(s.trial_started_at, s.started_at))
)

select
    subscription_id,
    user_id,
    case when changed_seen is not null then new_plan else plan end as plan,
    plan_price(case when changed_seen is not null then new_plan else plan end) as monthly_price,
    case
        when cancelled_seen is not null then 'cancelled'
        when started_seen is not null then 'active'
        when converts or trial_ended_at > getvariable('load_cutoff') then 'trialing'
        else 'expired'
    end as status,
    trial_started_at,
    trial_ended_at,
    started_seen as started_at,
    cancelled_seen as canceled_at,
    reloaded(
        greatest(coalesce(trial_started_at, started_at), started_seen, cancelled_seen, changed_seen),
        load_lag('subscription', subscription_id)
    ) as _loaded_at
from visible;

create table raw.subscription_changes as
select
    change_id,
    subscription_id,
    changed_at,
    previous_plan,
    new_plan,
    plan_price(previous_plan) as previous_monthly_price,
    plan_price(new_plan) as new_monthly_price,
    case when plan_price(new_plan) > plan_price(previous_plan) then 'upgrade' else 'downgrade' end as change_type,
    changed_at + load_lag('plan_change', change_id) as _loaded_at
from gen_plan_changes
where arrived(changed_at + load_lag('plan_change', change_id));

create table raw.invoices as
with numbered as (
    select
        row_number() over (order by issued_at, customer_type, coalesce(subscription_id, deal_id)) as invoice_id,
        *
    from gen_invoices
    where arrived(issued_at)
)

select
    invoice_id,
    customer_type,
    subscription_id,
    deal_id,
    user_id,
    amount,
    'USD' as currency,
    issued_at,
    due_at,
    seen(paid_at) as paid_at,
    reloaded(greatest(issued_at, seen(paid_at)), load_lag('invoice', invoice_id)) as _loaded_at
from numbered;

create table raw.support_tickets as
select
    ticket_id,
    user_id,
    created_at,
    channel,
    category,
    seen(first_response_at) as first_response_at,
    reloaded(greatest(created_at, seen(first_response_at)), load_lag('ticket', ticket_id)) as _loaded_at
from gen_tickets
where arrived(created_at + load_lag('ticket', ticket_id));

create table raw.survey_responses as
select
    response_id,
    user_id,
    survey,
    score,
    ticket_id,
    responded_at,
    responded_at + load_lag('survey', response_id) as _loaded_at
from gen_survey_responses
where arrived(responded_at + load_lag('survey', response_id));

-- The ad platforms' export runs at 04:00 for the previous day.
create table raw.ad_spend as
select
    spend_date,
    channel,
    spend,
    impressions,
    clicks,
    spend_date + interval 28 hour as _loaded_at
from gen_ad_spend
where arrived(spend_date + interval 28 hour);

create table raw.deals as
with closed as (
    select
        *,
        case when outcome = 'stalled' then created_at + interval 180 day else closed_at_planned end as closed_at_final
    from gen_deals
    where arrived(created_at)
)

select
    deal_id,
    account_id,
    'Account ' || lpad(account_id::varchar, 5, '0') as account_name,
    sales_rep,
    created_at,
    amount,
    case
        when arrived(closed_at_final) then case when outcome = 'closed_won' then 'closed_won' else 'closed_lost' end
        when getvariable('load_cutoff') - created_at < interval 14 day then 'qualification'
        when getvariable('load_cutoff') - created_at < interval 30 day then 'proposal'
        else 'negotiation'
    end as stage,
    seen(closed_at_final) as closed_at,
    case when outcome = 'closed_won' then seen(closed_at_final) end as closed_won_at,
    reloaded(greatest(created_at, seen(closed_at_final)), load_lag('deal', deal_id)) as _loaded_at
from closed;

create table raw.rep_quotas as
select
    sales_rep,
    quarter_start,
    quota_amount,
    -- the planning sheet is re-synced in full every night at 02:00
    getvariable('as_of')::timestamp + interval 2 hour as _loaded_at
from gen_rep_quotas;

create table raw.api_requests as
select
    request_id,
    requested_at,
    endpoint,
    latency_ms,
    status_code,
    requested_at + secs(5 + 60 * rnd('api_lag', request_id)) as _loaded_at
from gen_api_requests
where arrived(requested_at + secs(5 + 60 * rnd('api_lag', request_id)));
