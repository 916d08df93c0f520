with

source as (
    select * from {{ source('crm', 'rep_quotas') }}
),

renamed as (
    select
        {{ surrogate_key(['sales_rep', 'quarter_start']) }} as rep_quota_id,
        sales_rep,
        quarter_start,
        cast(quota_amount as decimal(14, 2)) as quota_amount,
        _loaded_at
    from source
)

select * from renamed
