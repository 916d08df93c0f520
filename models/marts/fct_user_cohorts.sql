-- One row per user, as a member of their signup cohort. Day-N flags stay null
-- until day N after signup has been observed (the cohort is mature at the as-of
-- date), so an immature cohort can never drag a retention rate down.
with

users as (
    select * from {{ ref('dim_users') }}
),

activity as (
    select * from {{ ref('int_sessions_aggregated_to_user_days') }}
),

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

activity_days as (
    select
        activity.user_id,
        {{ dbt.datediff('users.signup_date', 'activity.activity_date', 'day') }} as day_number
    from activity
    inner join users on activity.user_id = users.user_id
),

active_days as (
    select
        users.user_id,
        max(case when activity_days.day_number = 1 then 1 else 0 end) as active_day_1,
        max(case when activity_days.day_number = 7 then 1 else 0 end) as active_day_7,
        max(case when activity_days.day_number = 30 then 1 else 0 end) as active_day_30
    from users
    left join activity_days
        on
            users.user_id = activity_days.user_id
            and activity_days.day_number in (1, 7, 30)
    group by users.user_id
),

day1_contacts as (
    select distinct users.user_id
    from users
    inner join tickets
        on
            users.user_id = tickets.user_id
            and users.signed_up_at <= tickets.created_at
            and {{ dbt.dateadd('hour', 24, 'users.signed_up_at') }} > tickets.created_at
),

matured as (
    select
        users.*,
        {{ dbt.datediff('users.signup_date', as_of_date(), 'day') }} as cohort_age_days,
        active_days.active_day_1,
        active_days.active_day_7,
        active_days.active_day_30,
        day1_contacts.user_id is not null as has_day1_contact
    from users
    inner join active_days on users.user_id = active_days.user_id
    left join day1_contacts on users.user_id = day1_contacts.user_id
),

final as (
    select
        user_id,
        signup_date,
        signup_week_start,
        platform,
        country,
        acquisition_channel,
        cast(cohort_age_days as integer) as cohort_age_days,
        case
            when cohort_age_days >= 7
                then first_value_at is not null and first_value_at < {{ dbt.dateadd('day', 7, 'signed_up_at') }}
        end as is_activated,
        minutes_to_first_value,
        case when cohort_age_days >= 1 then active_day_1 = 1 end as is_retained_d1,
        case when cohort_age_days >= 7 then active_day_7 = 1 end as is_retained_d7,
        case when cohort_age_days >= 30 then active_day_30 = 1 end as is_retained_d30,
        case when cohort_age_days >= 1 then has_day1_contact end as has_support_contact_day1
    from matured
)

-- in signup_date order, so that a date filter (an incremental KPI run) skips the older row groups
select * from final
order by signup_date
