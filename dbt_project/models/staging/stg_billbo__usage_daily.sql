with

source as (
    select * from {{ source('billbo', 'usage_daily') }}
),

final as (
    select
        merchant_id,
        customer_id,
        sku_id,
        day as usage_day,
        date_trunc('month', day)::date as period_start,
        quantity,
        event_count,
        event_checksum
    from source
)

select * from final
