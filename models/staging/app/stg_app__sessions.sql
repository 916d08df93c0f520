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
        -- an exact decimal: sums of doubles depend on the order parallel threads add them in, so a
        -- rebuild would change KPI values in their last digits
        cast({{ dbt.datediff('started_at', 'ended_at', 'second') }} / 60.0 as decimal(38, 12)) as duration_minutes,
        _loaded_at
    from source
)

select * from renamed
