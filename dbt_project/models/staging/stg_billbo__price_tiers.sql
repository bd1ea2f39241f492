with

source as (
    select * from {{ source('billbo', 'price_tiers') }}
),

final as (
    select
        price_version_id,
        position as tier_position,
        up_to as tier_up_to,
        unit_price as tier_unit_price,
        flat_fee as tier_flat_fee
    from source
)

select * from final
