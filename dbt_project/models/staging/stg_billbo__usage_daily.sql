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
        -- the expression of usage_daily_period_brin: a period's rows are read through that index
        date_trunc('month', day::timestamp)::date as period_start,
        quantity,
        event_count,
        event_checksum
    from source
)

select * from final
