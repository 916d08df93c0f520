-- NPS answers (0-10: promoters 9-10, detractors 0-6) and CSAT answers (1-10).
with

responses as (
    select * from {{ ref('stg_support__survey_responses') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

final as (
    select
        responses.response_id,
        responses.user_id,
        responses.ticket_id,
        responses.survey_type,
        responses.score,
        responses.survey_type = 'nps' and responses.score >= 9 as is_promoter,
        responses.survey_type = 'nps' and responses.score <= 6 as is_detractor,
        responses.responded_at,
        cast(responses.responded_at as date) as response_date,
        coalesce(users.platform, 'unknown') as platform,
        coalesce(users.country, 'unknown') as country
    from responses
    left join users on responses.user_id = users.user_id
)

select * from final
