-- The day-grain time spine MetricFlow needs for cumulative and offset metrics.
{{ config(materialized='table', schema='marts') }}

with

dates as (
    select * from {{ ref('dim_dates') }}
),

final as (
    select date_day from dates
)

select * from final
