with

source as (
    select * from {{ source('platform', 'api_requests') }}
),

renamed as (
    select
        request_id,
        endpoint,
        status_code,
        status_code >= 500 as is_server_error,
        latency_ms,
        requested_at,
        cast(requested_at as date) as request_date,
        _loaded_at
    from source
)

select * from renamed
