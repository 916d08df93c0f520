-- B2B sales of team plans: deals created on working days, worked by six reps,
-- won about 28% of the time after a few weeks; quarterly quotas per rep; won
-- deals are invoiced on net-30 terms, which is what days sales outstanding needs.
create or replace temp table gen_deals as
with deal_days as (
    select
        day,
        day_index,
        floor(
            greatest(1, getvariable('n_users') / 10000.0) * case when dow >= 6 then 0.2 else 1.2 end
            * exp(0.3 * day_index / 365.0)
            + rnd('deals', day_index)
        )::integer as n_deals
    from gen_days
),

expanded as (
    select
        day,
        day_index,
        unnest(range(n_deals)) as i
    from deal_days
),

numbered as (
    select
        row_number() over (order by day, i) as deal_id,
        day::timestamp + secs(28800 + 36000 * rnd2('deal_time', day_index, i)) as created_at
    from expanded
)

select
    deal_id,
    -- about a fifth of deals are expansions at an account that already bought
    case
        when deal_id > 10 and rnd('expansion', deal_id) < 0.2 then 1 + floor(rnd('expansion_account', deal_id) * (deal_id - 1))::bigint
        else deal_id
    end as account_id,
    'rep_' || lpad((1 + floor(rnd('rep', deal_id) * 6))::integer::varchar, 2, '0') as sales_rep,
    created_at,
    round(exp(ln(12000) + 0.6 * norm('deal_amount', deal_id)), -2)::decimal(14, 2) as amount,
    case
        when rnd('outcome', deal_id) < 0.28 then 'closed_won'
        when rnd('outcome', deal_id) < 0.78 then 'closed_lost'
        else 'stalled'
    end as outcome,
    created_at + secs(86400 * (14 + exp(ln(30) + 0.5 * norm('cycle', deal_id)))) as closed_at_planned
from numbered;

create or replace temp table gen_rep_quotas as
with quarters as (
    select distinct date_trunc('quarter', day)::date as quarter_start
    from gen_days
),

reps as (
    select distinct sales_rep from gen_deals
)

select
    r.sales_rep,
    q.quarter_start,
    round(
        greatest(1, getvariable('n_users') / 10000.0) * 65 * 0.28 * 12000 * 1.2 / 6
        * exp(0.3 * (q.quarter_start - getvariable('start_date')) / 365.0)
        * (0.9 + 0.2 * rnd2('quota', r.sales_rep, epoch(q.quarter_start))),
        -3
    )::decimal(14, 2) as quota_amount
from reps as r
cross join quarters as q;

insert into gen_invoices
select
    null as subscription_id,
    deal_id,
    null as user_id,
    'business' as customer_type,
    amount,
    closed_at_planned as issued_at,
    closed_at_planned + interval 30 day as due_at,
    closed_at_planned + secs(86400 * (12 + 45 * rnd('deal_paid', deal_id))) as paid_at
from gen_deals
where outcome = 'closed_won';
