-- One row per sales deal. A won deal is new-customer revenue when it is the
-- account's first won deal; later wins at the same account are expansion.
with

deals as (
    select * from {{ ref('stg_crm__deals') }}
),

won_sequence as (
    select
        deal_id,
        row_number() over (partition by account_id order by closed_won_at, deal_id) as win_number
    from deals
    where is_won
),

final as (
    select
        deals.deal_id,
        deals.account_id,
        deals.account_name,
        deals.sales_rep,
        deals.deal_stage,
        deals.is_closed,
        deals.is_won,
        coalesce(won_sequence.win_number = 1, false) as is_new_customer,
        deals.deal_amount,
        deals.created_at,
        cast(deals.created_at as date) as created_date,
        deals.closed_at,
        cast(deals.closed_at as date) as closed_date,
        deals.closed_won_at,
        cast(deals.closed_won_at as date) as closed_won_date
    from deals
    left join won_sequence on deals.deal_id = won_sequence.deal_id
)

select * from final
