with

source as (
    select * from {{ source('billing', 'invoices') }}
),

renamed as (
    select
        invoice_id,
        subscription_id,
        deal_id,
        user_id,
        customer_type,
        cast(amount as decimal(14, 2)) as invoice_amount,
        currency,
        issued_at,
        due_at,
        paid_at,
        paid_at is not null as is_paid,
        _loaded_at
    from source
)

select * from renamed
