-- Subscriptions: a 14-day trial, about 40% convert, monthly churn around 5.5%,
-- some plan changes, and some cancelled subscribers who come back later on a
-- new subscription. Invoices are issued monthly and paid by card.
create or replace temp macro plan_price(plan) as
    case plan when 'basic' then 4.99 when 'plus' then 9.99 else 14.99 end::decimal(10, 2);

create or replace temp macro months_after(ts, n) as ts + to_months(n::integer);

create or replace temp table gen_subscriptions as
with first_subscriptions as (
    select
        user_id,
        1 as generation,
        signed_up_at + secs(rnd('trial_start', user_id) * 259200) as trial_started_at,
        rnd('trial_convert', user_id) < 0.40 as converts,
        case
            when rnd('plan', user_id) < 0.5 then 'basic'
            when rnd('plan', user_id) < 0.85 then 'plus'
            else 'family'
        end as plan,
        1 + floor(-ln(1 - rnd('tenure', user_id)) / 0.055)::integer as paid_months
    from gen_users
    where rnd('trial', user_id) < 0.12
),

first_paid as (
    select
        *,
        trial_started_at + interval 14 day as trial_ended_at,
        case when converts then trial_started_at + interval 14 day end as started_at
    from first_subscriptions
),

first_ended as (
    select
        *,
        months_after(started_at, paid_months) - secs(86400 * (1 + 2 * rnd('cancel_day', user_id))) as cancelled_at
    from first_paid
),

restarts as (
    select
        user_id,
        2 as generation,
        null::timestamp as trial_started_at,
        true as converts,
        plan,
        1 + floor(-ln(1 - rnd('tenure_again', user_id)) / 0.055)::integer as paid_months,
        null::timestamp as trial_ended_at,
        cancelled_at + secs(86400 * (30 + 90 * rnd('restart_gap', user_id))) as started_at
    from first_ended
    where converts and rnd('restart', user_id) < 0.15
),

restarts_ended as (
    select
        *,
        months_after(started_at, paid_months) - secs(86400 * (1 + 2 * rnd('cancel_day_again', user_id))) as cancelled_at
    from restarts
),

all_subscriptions as (
    select
        user_id, generation, trial_started_at, trial_ended_at, converts, plan, paid_months, started_at, cancelled_at
    from first_ended
    union all
    select
        user_id, generation, trial_started_at, trial_ended_at, converts, plan, paid_months, started_at, cancelled_at
    from restarts_ended
)

select
    row_number() over (order by coalesce(trial_started_at, started_at), user_id, generation) as subscription_id,
    *
from all_subscriptions;

create or replace temp table gen_plan_changes as
with candidates as (
    select
        subscription_id,
        plan as previous_plan,
        months_after(started_at, 1 + floor((paid_months - 1) * rnd('change_month', subscription_id)))
        + secs(86400 * 20 * rnd('change_day', subscription_id)) as changed_at,
        rnd('change_direction', subscription_id) as u_direction,
        cancelled_at
    from gen_subscriptions
    where converts and paid_months >= 2 and rnd('change', subscription_id) < 0.3
)

select
    row_number() over (order by changed_at, subscription_id) as change_id,
    subscription_id,
    changed_at,
    previous_plan,
    case previous_plan
        when 'basic' then case when u_direction < 0.8 then 'plus' else 'family' end
        when 'plus' then case when u_direction < 0.6 then 'family' else 'basic' end
        else 'plus'
    end as new_plan
from candidates
where changed_at < cancelled_at;

create or replace temp table gen_invoices as
with periods as (
    select
        s.subscription_id,
        s.user_id,
        s.plan,
        s.cancelled_at,
        months_after(s.started_at, k) as issued_at
    from gen_subscriptions as s, unnest(range(s.paid_months)) as t (k)
    where s.converts
),

priced as (
    select
        p.*,
        plan_price(case when c.changed_at <= p.issued_at then c.new_plan else p.plan end)::decimal(14, 2) as amount
    from periods as p
    left join gen_plan_changes as c on p.subscription_id = c.subscription_id
)

select
    subscription_id,
    null::bigint as deal_id,
    user_id,
    'consumer' as customer_type,
    amount,
    issued_at,
    issued_at as due_at,
    case
        when rnd2('unpaid', subscription_id, epoch(issued_at)) < 0.01 then null
        -- failed card payments are retried and usually succeed within days
        when rnd2('retry', subscription_id, epoch(issued_at)) < 0.03
            then issued_at + secs(86400 * (2 + 4 * rnd2('retry_gap', subscription_id, epoch(issued_at))))
        else issued_at + secs(30 + 600 * rnd2('pay_gap', subscription_id, epoch(issued_at)))
    end as paid_at
from priced;
