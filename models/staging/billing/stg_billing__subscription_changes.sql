with

source as (
    select * from {{ source('billing', 'subscription_changes') }}
),

renamed as (
    select
        change_id,
        subscription_id,
        change_type,
        previous_plan,
        new_plan,
        cast(previous_monthly_price as decimal(10, 2)) as previous_monthly_price,
        cast(new_monthly_price as decimal(10, 2)) as new_monthly_price,
        changed_at,
        _loaded_at
    from source
)

select * from renamed
