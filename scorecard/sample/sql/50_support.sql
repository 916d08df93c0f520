-- Support tickets (some new users write in on their first day; active users
-- write in occasionally) and survey answers: NPS on a 0-10 scale from users a
-- couple of weeks in, CSAT on a 1-10 scale after a ticket is answered.
create or replace temp table gen_tickets as
with day1_contacts as (
    select
        user_id,
        signed_up_at + secs(600 + 30000 * rnd('day1_ticket_time', user_id)) as created_at,
        'onboarding' as category,
        0 as kind,
        user_id as k
    from gen_users
    where contacts_support_day1
),

session_contacts as (
    select
        user_id,
        started_at + secs(60 * duration_minutes * rnd('ticket_time', session_id)) as created_at,
        case floor(rnd('ticket_category', session_id) * 4)::integer
            when 0 then 'billing'
            when 1 then 'delivery'
            when 2 then 'bug'
            else 'other'
        end as category,
        1 as kind,
        session_id as k
    from gen_sessions
    where day_number > 0 and rnd('ticket', session_id) < 0.004
),

all_tickets as (
    select * from day1_contacts
    union all
    select * from session_contacts
)

select
    row_number() over (order by created_at, kind, k) as ticket_id,
    user_id,
    created_at,
    category,
    case floor(rnd2('ticket_channel', kind, k) * 3)::integer when 0 then 'email' when 1 then 'chat' else 'in_app' end as channel,
    case
        when rnd2('never_answered', kind, k) < 0.005 then null
        else created_at + secs(
            3600 * exp(ln(1.4) + 0.8 * norm2('response_hours', kind, k))
            * case when isodow(created_at) >= 6 then 1.8 else 1.0 end
        )
    end as first_response_at,
    kind,
    k
from all_tickets;

create or replace temp table gen_survey_responses as
with nps as (
    select
        d.user_id,
        'nps' as survey,
        d.activity_date::timestamp + secs(28800 + 43200 * rnd2('nps_time', d.user_id, d.day_number)) as responded_at,
        rnd2('nps_score', d.user_id, d.day_number) as u,
        null::bigint as ticket_id
    from gen_user_days as d
    where d.day_number >= 14 and rnd2('nps', d.user_id, d.day_number) < 0.004
),

csat as (
    select
        user_id,
        'csat' as survey,
        first_response_at + secs(3600 * (1 + 20 * rnd('csat_time', ticket_id))) as responded_at,
        rnd('csat_score', ticket_id) as u,
        ticket_id
    from gen_tickets
    where first_response_at is not null and rnd('csat', ticket_id) < 0.35
),

scored as (
    select
        user_id,
        survey,
        responded_at,
        ticket_id,
        case
            when survey = 'nps' then
                case
                    when u < 0.52 then 9 + floor(rnd2('nps_hi', user_id, epoch(responded_at)) * 2)
                    when u < 0.84 then 7 + floor(rnd2('nps_mid', user_id, epoch(responded_at)) * 2)
                    else floor(rnd2('nps_lo', user_id, epoch(responded_at)) * 7)
                end
            else least(10, greatest(1, round(7.7 + 1.8 * norm2('csat_norm', user_id, epoch(responded_at)))))
        end::integer as score
    from (select * from nps union all select * from csat)
)

select
    row_number() over (order by responded_at, survey, user_id) as response_id,
    *
from scored;
