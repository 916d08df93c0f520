-- API request logs: one or two requests per session. Latency is log-normal
-- (p99 around 210 ms); a planted incident doubles latency and raises the
-- 5xx rate for two days.
create or replace temp table gen_api_requests as
with requests as (
    select
        session_id * 2 + i as request_id,
        started_at + secs(60 * duration_minutes * rnd2('request_time', session_id, i)) as requested_at,
        session_id,
        i
    from gen_sessions, unnest(range(1 + (rnd('second_request', session_id) < 0.5)::integer)) as t (i)
),

flagged as (
    select
        *,
        requested_at::date between getvariable('incident_on') and getvariable('incident_on') + 1 as is_incident
    from requests
)

select
    request_id,
    requested_at,
    case floor(rnd('endpoint', request_id) * 6)::integer
        when 0 then '/v1/lists'
        when 1 then '/v1/search'
        when 2 then '/v1/products'
        when 3 then '/v1/cart'
        when 4 then '/v1/checkout'
        else '/v1/profile'
    end as endpoint,
    case
        when rnd('latency_missing', request_id) < 0.001 then null
        else greatest(3, round(
            exp(ln(75) + 0.45 * norm('latency', request_id)) * case when is_incident then 2.2 else 1.0 end
        ))
    end::integer as latency_ms,
    case
        when rnd('status', request_id) < case when is_incident then 0.05 else 0.003 end then 500
        when rnd('status', request_id) < case when is_incident then 0.06 else 0.004 end then 503
        when rnd('status', request_id) < 0.02 then 404
        when rnd('status', request_id) < 0.03 then 400
        when rnd('status', request_id) < 0.2 then 201
        else 200
    end as status_code
from flagged;
