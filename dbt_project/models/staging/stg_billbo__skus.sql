with

source as (
    select * from {{ source('billbo', 'skus') }}
),

final as (
    select
        merchant_id,
        id as sku_id,
        name as sku_name,
        unit,
        currency
    from source
)

select * from final
