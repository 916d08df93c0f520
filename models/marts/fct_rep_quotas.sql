with

quotas as (
    select * from {{ ref('stg_crm__rep_quotas') }}
),

final as (
    select
        rep_quota_id,
        sales_rep,
        quarter_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'quarter_start')) }} as date) as quarter_end,
        quota_amount
    from quotas
)

select * from final
