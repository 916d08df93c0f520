with

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        tickets.ticket_id,
        tickets.user_id,
        tickets.created_at,
        cast(tickets.created_at as date) as ticket_date,
        tickets.ticket_channel,
        tickets.ticket_category,
        tickets.first_response_at,
        tickets.first_response_at is not null as is_answered,
        {{ dbt.datediff('tickets.created_at', 'tickets.first_response_at', 'second') }} / 3600.0
            as hours_to_first_response,
        coalesce(users.platform, 'unknown') as platform,
        coalesce(users.country, 'unknown') as country
    from tickets
    left join users on tickets.user_id = users.user_id
)

select * from final
