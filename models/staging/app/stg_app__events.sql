with

source as (
    select * from {{ source('app', 'events') }}
),

renamed as (
    select
        event_id,
        session_id,
        user_id,
        event_name,
        screen_name,
        onboarding_step,
        feature_name,
        occurred_at,
        _loaded_at
    from source
)

select * from renamed
