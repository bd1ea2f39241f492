{{ config(indexes=[{'columns': ['merchant_id', 'customer_id', 'sku_id', 'period_start'], 'unique': true}]) }}
-- One billing period per run (macros/rating_period.sql): the views below are the same for every
-- period, and Postgres pushes the period filter down to usage_daily's period index.
with

priced as (
    select * from {{ ref('int_usage_priced') }}
    where {{ in_rating_period() }}
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
        priced.usage_days,
        priced.price_version_id,
        priced.price_version,
        priced.pricing_model,
        skus.currency,
        priced.billable_quantity,
        priced.tier_breakdown,
        priced.minimum_top_up,
        priced.amount_unrounded,
        {{ to_minor_units('priced.amount_unrounded', 'currencies.minor_unit_exponent') }} as amount_minor
    from priced
    inner join skus on priced.merchant_id = skus.merchant_id and priced.sku_id = skus.sku_id
    inner join currencies on skus.currency = currencies.currency
)

select * from final
