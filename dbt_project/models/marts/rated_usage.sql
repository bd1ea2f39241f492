with

priced as (
    select * from {{ ref('int_usage_priced') }}
),

skus as (
    select * from {{ ref('stg_billbo__skus') }}
),

currencies as (
    select * from {{ ref('stg_billbo__currencies') }}
),

final as (
    select
        priced.merchant_id,
        priced.customer_id,
        priced.sku_id,
        priced.period_start,
        priced.quantity,
        priced.event_count,
        priced.price_version_id,
        priced.price_version,
        priced.pricing_model,
        skus.currency,
        priced.amount_unrounded,
        -- The one rounding rule: half away from zero (Postgres' numeric round), to the minor unit.
        round(priced.amount_unrounded * power(10::numeric, currencies.minor_unit_exponent))::bigint
            as amount_minor
    from priced
    join skus on skus.merchant_id = priced.merchant_id and skus.sku_id = priced.sku_id
    join currencies on currencies.currency = skus.currency
)

select * from final
