with

visits as (
    select * from {{ ref('stg_app__landing_visits') }}
),

users as (
    select * from {{ ref('dim_users') }}
    where landing_visit_id is not null
),

final as (
    select
        visits.visit_id,
        visits.visited_at,
        visits.visit_date,
        visits.visit_channel,
        visits.landing_page,
        users.user_id as converted_user_id,
        users.user_id is not null as is_converted
    from visits
    left join users on visits.visit_id = users.landing_visit_id
)

-- in visit_date order, so that a date filter (an incremental KPI run) skips the older row groups
select * from final
order by visit_date
