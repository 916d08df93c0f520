with

source as (
    select * from {{ source('shop', 'loyalty_enrollments') }}
),

renamed as (
    select
        enrollment_id,
        user_id,
        tier as loyalty_tier,
        enrolled_at,
        _loaded_at
    from source
)

select * from renamed
