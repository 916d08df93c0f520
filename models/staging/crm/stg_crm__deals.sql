with

source as (
    select * from {{ source('crm', 'deals') }}
),

renamed as (
    select
        deal_id,
        account_id,
        account_name,
        sales_rep,
        stage as deal_stage,
        stage = 'closed_won' as is_won,
        stage in ('closed_won', 'closed_lost') as is_closed,
        cast(amount as decimal(14, 2)) as deal_amount,
        created_at,
        closed_at,
        closed_won_at,
        _loaded_at
    from source
)

select * from renamed
