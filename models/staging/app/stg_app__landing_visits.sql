with

source as (
    select * from {{ source('app', 'landing_visits') }}
),

renamed as (
    select
        visit_id,
        channel as visit_channel,
        landing_page,
        visited_at,
        cast(visited_at as date) as visit_date,
        _loaded_at
    from source
)

select * from renamed
