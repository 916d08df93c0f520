with

sessions as (
    select * from {{ ref('stg_app__sessions') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        sessions.session_id,
        sessions.user_id,
        sessions.session_date,
        sessions.started_at,
        sessions.ended_at,
        sessions.duration_minutes,
        sessions.is_opened_from_push,
        sessions.session_date > users.signup_date as is_returning_user,
        sessions.platform,
        coalesce(users.country, 'unknown') as country,
        coalesce(users.acquisition_channel, 'unknown') as acquisition_channel
    from sessions
    left join users on sessions.user_id = users.user_id
)

-- in session_date order, so that a date filter (an incremental KPI run) skips the older row groups
select * from final
order by session_date
