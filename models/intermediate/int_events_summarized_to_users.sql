with

events as (
    select * from {{ ref('stg_app__events') }}
    where event_name in ('first_value', 'onboarding_step_completed')
),

final as (
    select
        user_id,
        min(case when event_name = 'first_value' then occurred_at end) as first_value_at,
        coalesce(max(case when event_name = 'onboarding_step_completed' then onboarding_step end), 0)
            as onboarding_steps_completed
    from events
    group by user_id
)

select * from final
