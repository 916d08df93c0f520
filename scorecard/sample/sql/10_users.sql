-- Users and landing-page visits. Signups grow about 60% a year, peak at
-- weekends and get a paid-marketing lift in 2026-Q4. Each user carries hidden
-- behaviour parameters (tier, lifetime, daily activity probability) that the
-- later files use; only the observable columns reach the raw schema.
create or replace temp table gen_signup_days as
with weighted as (
    select
        day,
        day_index,
        exp(0.6 * day_index / 365.0)
        * case when dow >= 6 then 1.15 else 1.0 end
        * case when day >= getvariable('paid_push_on') then 1.1 else 1.0 end as weight
    from gen_days
),

-- Normalised over a fixed reference span (the default history length) rather than
-- the generated one, so that moving --as-of a day later appends a day and leaves
-- every earlier day as it was.
reference as (
    select sum(exp(0.6 * i / 365.0)) * (5 * 1.0 + 2 * 1.15) / 7 as reference_weight
    from range(getvariable('reference_days')) as t (i)
)

select
    day,
    day_index,
    floor(getvariable('n_users') * weight / reference_weight + rnd('signups', day_index))::integer as n_signups
from weighted, reference;

create or replace temp table gen_users as
with expanded as (
    select
        day,
        unnest(range(n_signups)) as i
    from gen_signup_days
),

numbered as (
    select
        row_number() over (order by day, i) as user_id,
        day as signup_date
    from expanded
),

drawn as (
    select
        user_id,
        signup_date,
        signup_date >= getvariable('onboarding_change_on') as is_new_onboarding,
        signup_date::timestamp + secs(21600 + rnd('signup_time', user_id) * 64000) as signed_up_at,
        rnd('platform', user_id) as u_platform,
        rnd('country', user_id) as u_country,
        rnd('channel', user_id) as u_channel,
        rnd('tier', user_id) as u_tier,
        rnd('lifetime', user_id) as u_lifetime
    from numbered
),

typed as (
    select
        *,
        case
            when u_platform < 0.45 then 'ios'
            when u_platform < 0.80 then 'android'
            else 'web'
        end as platform,
        case
            when u_country < 0.004 then null
            when u_country < 0.40 then 'US'
            when u_country < 0.55 then 'GB'
            when u_country < 0.67 then 'DE'
            when u_country < 0.77 then 'FR'
            when u_country < 0.90 then 'BR'
            else 'IN'
        end as country,
        case
            when u_channel < 0.35 then 'organic'
            when u_channel < 0.55 then 'paid_search'
            when u_channel < 0.75 then 'paid_social'
            when u_channel < 0.90 then 'referral'
            else 'email'
        end as acquisition_channel,
        case
            when u_tier < case when is_new_onboarding then 0.36 else 0.50 end then 'tourist'
            when u_tier < case when is_new_onboarding then 0.76 else 0.82 end then 'casual'
            else 'regular'
        end as tier
    from drawn
)

select
    user_id,
    signup_date,
    signed_up_at,
    is_new_onboarding,
    platform,
    country,
    acquisition_channel,
    tier,
    -- web signups always come through the landing page; app-store installs only sometimes
    platform = 'web' or rnd('landing', user_id) < 0.6 as has_landing_visit,
    floor(
        -ln(1 - u_lifetime) * case tier when 'tourist' then 1.5 when 'casual' then 60 else 420 end
    )::integer as lifetime_days,
    case tier
        when 'tourist' then 0.35
        when 'casual' then 0.22 + 0.1 * rnd('q', user_id)
        else 0.5 + 0.25 * rnd('q', user_id)
    end as daily_active_probability,
    case tier when 'tourist' then 0.2 when 'casual' then 0.3 else 0.7 end as extra_session_rate,
    0.1 + 0.3 * rnd('push', user_id) as push_propensity,
    ln(6) + 0.3 * norm('minutes', user_id) as log_minutes_mean,
    exp(ln(case when is_new_onboarding then 2 else 5 end) + 0.6 * norm('ttfv', user_id)) as minutes_to_value,
    rnd('value_first', user_id) < case when is_new_onboarding then 0.72 else 0.6 end as reaches_value_first_session,
    rnd('value_later', user_id) < 0.35 as reaches_value_later,
    rnd('support_day1', user_id) < case when is_new_onboarding then 0.04 else 0.08 end as contacts_support_day1
from typed;

-- Converted visits precede their signup by a few minutes; unconverted ones
-- make the landing page convert about 4% of visits.
create or replace temp table gen_landing_visits as
with converted as (
    select
        signed_up_at - secs(60 + rnd('visit_gap', user_id) * 1500) as visited_at,
        acquisition_channel as channel,
        user_id,
        0 as kind,
        user_id as k
    from gen_users
    where has_landing_visit
),

converted_days as (
    select
        d.day,
        d.day_index,
        count(c.user_id) as n_converted
    from gen_days as d
    left join converted as c on d.day = c.visited_at::date
    group by d.day, d.day_index
),

unconverted_days as (
    select
        day,
        day_index,
        floor(
            n_converted * (1 / (0.04 + 0.004 * sin(day_index / 29.0)) - 1) + rnd('visits', day_index)
        )::integer as n_visits
    from converted_days
),

unconverted as (
    select
        day,
        day_index,
        unnest(range(n_visits)) as i
    from unconverted_days
),

all_visits as (
    select visited_at, channel, user_id, kind, k from converted
    union all
    select
        day::timestamp + secs(rnd2('visit_time', day_index, i) * 86399) as visited_at,
        case
            when rnd2('visit_channel', day_index, i) < 0.35 then 'organic'
            when rnd2('visit_channel', day_index, i) < 0.60 then 'paid_search'
            when rnd2('visit_channel', day_index, i) < 0.85 then 'paid_social'
            when rnd2('visit_channel', day_index, i) < 0.95 then 'referral'
            else 'email'
        end as channel,
        null as user_id,
        1 as kind,
        day_index * 1000000 + i as k
    from unconverted
)

select
    row_number() over (order by visited_at, kind, k) as visit_id,
    visited_at,
    channel,
    user_id,
    case
        when rnd('landing_page', k + kind * 1000000000) < 0.7 then '/'
        when rnd('landing_page', k + kind * 1000000000) < 0.9 then '/pricing'
        else '/shop'
    end as landing_page,
    visited_at + load_lag('visit', k + kind * 1000000000) as loaded_at
from all_visits;
