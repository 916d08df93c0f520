with

source as (
    select * from {{ source('app', 'users') }}
),

renamed as (
    select
        user_id,
        landing_visit_id,
        platform,
        country,
        acquisition_channel,
        signed_up_at,
        cast(signed_up_at as date) as signup_date,
        _loaded_at
    from source
)

select * from renamed
