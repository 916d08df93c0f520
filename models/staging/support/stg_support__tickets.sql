with

source as (
    select * from {{ source('support', 'support_tickets') }}
),

renamed as (
    select
        ticket_id,
        user_id,
        channel as ticket_channel,
        category as ticket_category,
        created_at,
        first_response_at,
        _loaded_at
    from source
)

select * from renamed
