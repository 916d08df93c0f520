with

user_days as (
    select * from {{ ref('int_sessions_aggregated_to_user_days') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        user_days.user_day_id,
        user_days.user_id,
        user_days.activity_date,
        cast(user_days.sessions as integer) as sessions,
        cast(user_days.session_minutes as decimal(38, 12)) as session_minutes,
        cast(user_days.push_sessions as integer) as push_sessions,
        user_days.activity_date = users.signup_date as is_signup_day,
        coalesce(users.platform, 'unknown') as platform,
        coalesce(users.country, 'unknown') as country,
        coalesce(users.acquisition_channel, 'unknown') as acquisition_channel
    from user_days
    left join users on user_days.user_id = users.user_id
)

-- in activity_date order, so that a date filter (an incremental KPI run) skips the older row groups
select * from final
order by activity_date
