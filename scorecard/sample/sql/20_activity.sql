-- Product activity: which days each user is active, their sessions, and the
-- events inside them. The grid of candidate days is bounded by each user's
-- lifetime, so its size grows with the number of users, not users x days.
create or replace temp table gen_user_days as
with grid as (
    select
        user_id,
        signup_date,
        is_new_onboarding,
        daily_active_probability,
        unnest(range(least(lifetime_days, getvariable('as_of') - signup_date) + 1))::integer as day_number
    from gen_users
)

select
    user_id,
    day_number,
    signup_date + day_number as activity_date
from grid
where
    day_number = 0
    or rnd2('active', user_id, day_number)
    < daily_active_probability
    * case when isodow(signup_date + day_number) >= 6 then 0.8 else 1.0 end
    -- the new onboarding checklist nudges people back on their second day
    + case when day_number = 1 and is_new_onboarding then 0.2 else 0 end;

create or replace temp table gen_sessions as
with expanded as (
    select
        d.user_id,
        d.day_number,
        d.activity_date,
        u.signed_up_at,
        u.platform,
        u.push_propensity,
        u.log_minutes_mean,
        unnest(range(
            case
                when d.day_number = 0 then 1
                else least(
                    9, 1 + floor(-u.extra_session_rate * ln(1 - rnd2('n_sessions', d.user_id, d.day_number)))
                )::integer
            end
        )) as session_number
    from gen_user_days as d
    inner join gen_users as u on d.user_id = u.user_id
),

timed as (
    select
        -- derived from the user and day, not numbered, so a later --as-of only adds sessions
        user_id * 100000 + day_number * 10 + session_number as session_id,
        *,
        case
            when day_number = 0 then signed_up_at
            else activity_date::timestamp + secs(21600 + rnd2('session_time', user_id, day_number * 10 + session_number) * 64000)
        end as started_at
    from expanded
)

select
    session_id,
    user_id,
    day_number,
    session_number,
    started_at,
    platform,
    least(180, exp(log_minutes_mean + 0.7 * norm('duration', session_id))) as duration_minutes,
    day_number > 0
    and rnd('push_open', session_id)
    < push_propensity + case when started_at >= getvariable('push_campaign_on') then 0.09 else 0 end as opened_from_push
from timed;

create or replace temp table gen_events as
with screen_views as (
    select
        session_id * 64 + i as event_id,
        session_id,
        user_id,
        'screen_view' as event_name,
        started_at + secs(60 * duration_minutes * i / (1 + floor(duration_minutes / 2.5))) as occurred_at,
        case floor(rnd2('screen', session_id, i) * 6)::integer
            when 0 then 'home'
            when 1 then 'lists'
            when 2 then 'search'
            when 3 then 'product'
            when 4 then 'cart'
            else 'profile'
        end as screen_name,
        null::integer as onboarding_step,
        null::varchar as feature_name
    from gen_sessions, unnest(range(least(40, 1 + floor(duration_minutes / 2.5))::integer)) as t (i)
),

onboarding as (
    select
        s.session_id * 64 + 40 + step as event_id,
        s.session_id,
        s.user_id,
        'onboarding_step_completed' as event_name,
        s.started_at + secs(20 + 25 * step) as occurred_at,
        null as screen_name,
        step as onboarding_step,
        null as feature_name
    from gen_sessions as s
    inner join gen_users as u on s.user_id = u.user_id,
        unnest(range(1, 1 + case
            when rnd('onboarding_done', s.user_id) < case when u.is_new_onboarding then 0.75 else 0.55 end then 5
            else 1 + floor(rnd('onboarding_steps', s.user_id) * 4)::integer
        end)) as t (step)
    where s.day_number = 0
),

value_sessions as (
    -- the first-value moment: in the signup session for most users, otherwise
    -- in the first session of a return visit within the first week, or never
    select
        s.session_id,
        s.user_id,
        s.started_at + secs(60 * case when s.day_number = 0 then u.minutes_to_value else 1 + 4 * rnd('later_value', s.user_id) end) as occurred_at,
        row_number() over (partition by s.user_id order by s.day_number, s.session_number) as attempt
    from gen_sessions as s
    inner join gen_users as u on s.user_id = u.user_id
    where
        (s.day_number = 0 and u.reaches_value_first_session)
        or (s.day_number between 1 and 6 and not u.reaches_value_first_session and u.reaches_value_later)
),

first_value as (
    select
        session_id * 64 + 46 as event_id,
        session_id,
        user_id,
        'first_value' as event_name,
        occurred_at,
        null as screen_name,
        null as onboarding_step,
        null as feature_name
    from value_sessions
    where attempt = 1
),

feature_use as (
    -- "smart lists" launch: adoption ramps up over the weeks after launch
    select
        session_id * 64 + 47 as event_id,
        session_id,
        user_id,
        'feature_used' as event_name,
        started_at + secs(30 + 60 * duration_minutes * rnd('feature_time', session_id)) as occurred_at,
        null as screen_name,
        null as onboarding_step,
        'smart_lists' as feature_name
    from gen_sessions
    where
        started_at >= getvariable('feature_launch_on')
        and rnd('feature', session_id)
        < least(0.4, 0.06 + 0.006 * (started_at::date - getvariable('feature_launch_on')))
)

select * from screen_views
union all
select * from onboarding
union all
select * from first_value
union all
select * from feature_use;
