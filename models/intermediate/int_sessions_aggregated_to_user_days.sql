with

sessions as (
    select * from {{ ref('stg_app__sessions') }}
),

final as (
    select
        {{ surrogate_key(['user_id', 'session_date']) }} as user_day_id,
        user_id,
        session_date as activity_date,
        count(*) as sessions,
        coalesce(sum(duration_minutes), 0) as session_minutes,
        count(case when is_opened_from_push then 1 end) as push_sessions
    from sessions
    group by user_id, session_date
)

select * from final
