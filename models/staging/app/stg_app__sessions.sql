with

source as (
    select * from {{ source('app', 'sessions') }}
),

renamed as (
    select
        session_id,
        user_id,
        platform,
        opened_from_push as is_opened_from_push,
        started_at,
        ended_at,
        cast(started_at as date) as session_date,
        {{ dbt.datediff('started_at', 'ended_at', 'second') }} / 60.0 as duration_minutes,
        _loaded_at
    from source
)

select * from renamed
