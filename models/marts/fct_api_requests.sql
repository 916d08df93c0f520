with

requests as (
    select * from {{ ref('stg_platform__api_requests') }}
),

final as (
    select
        request_id,
        requested_at,
        request_date,
        endpoint,
        status_code,
        is_server_error,
        latency_ms
    from requests
)

-- in request_date order, so that a date filter (an incremental KPI run) skips the older row groups
select * from final
order by request_date
