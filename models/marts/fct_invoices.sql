with

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

final as (
    select
        invoice_id,
        customer_type,
        subscription_id,
        deal_id,
        user_id,
        invoice_amount,
        issued_at,
        cast(issued_at as date) as issue_date,
        due_at,
        paid_at,
        cast(paid_at as date) as paid_date,
        is_paid,
        -- exact decimal, like session minutes: DSO sums amount x days, and double sums are order-dependent
        cast({{ dbt.datediff('issued_at', 'paid_at', 'second') }} / 86400.0 as decimal(38, 12)) as days_to_pay
    from invoices
)

select * from final
