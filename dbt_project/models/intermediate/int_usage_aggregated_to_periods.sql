with

daily as (
    select * from {{ ref('stg_billbo__usage_daily') }}
),

final as (
    select
        merchant_id,
        customer_id,
        sku_id,
        period_start,
        sum(quantity) as quantity,
        sum(event_count) as event_count,
        count(*) as usage_days
    from daily
    group by merchant_id, customer_id, sku_id, period_start
)

select * from final
