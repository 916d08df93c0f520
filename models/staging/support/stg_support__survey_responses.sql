with

source as (
    select * from {{ source('support', 'survey_responses') }}
),

renamed as (
    select
        response_id,
        user_id,
        ticket_id,
        survey as survey_type,
        score,
        responded_at,
        _loaded_at
    from source
)

select * from renamed
