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

select * from final
