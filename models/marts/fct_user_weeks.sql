-- One row per user per ISO week (Monday to Sunday) in which the user was active, up to the as-of
-- date: a build for an earlier date than the data's (a backfill) gives the running week that date's
-- days only, as the KPIs measured by day get (their rows are dated, these by week start).
with

user_days as (
    select * from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of_date() }}
),

feature_events as (
    select * from {{ ref('stg_app__events') }}
    where
        event_name = 'feature_used'
        and feature_name = 'smart_lists'
        and cast(occurred_at as date) <= {{ as_of_date() }}
),

weekly_activity as (
    select
        user_id,
        {{ iso_week_start('activity_date') }} as week_start,
        min(platform) as platform,
        min(country) as country,
        min(acquisition_channel) as acquisition_channel,
        count(*) as active_days,
        sum(sessions) as sessions,
        sum(session_minutes) as session_minutes
    from user_days
    group by user_id, {{ iso_week_start('activity_date') }}
),

weekly_feature_use as (
    select distinct
        user_id,
        {{ iso_week_start('cast(occurred_at as date)') }} as week_start
    from feature_events
),

final as (
    select
        {{ surrogate_key(['weekly_activity.user_id', 'weekly_activity.week_start']) }} as user_week_id,
        weekly_activity.user_id,
        weekly_activity.week_start,
        cast({{ dbt.dateadd('day', 6, 'weekly_activity.week_start') }} as date) as week_end,
        cast(weekly_activity.active_days as integer) as active_days,
        cast(weekly_activity.sessions as integer) as sessions,
        cast(weekly_activity.session_minutes as decimal(38, 12)) as session_minutes,
        weekly_activity.sessions >= 3 as is_power_user,
        weekly_feature_use.user_id is not null as has_used_smart_lists,
        weekly_activity.platform,
        weekly_activity.country,
        weekly_activity.acquisition_channel
    from weekly_activity
    left join weekly_feature_use
        on
            weekly_activity.user_id = weekly_feature_use.user_id
            and weekly_activity.week_start = weekly_feature_use.week_start
)

-- in week_start order, so that a date filter (an incremental KPI run) skips the older row groups
select * from final
order by week_start
