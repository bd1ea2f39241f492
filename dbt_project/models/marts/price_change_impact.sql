-- What the proposed price changes (seeds/price_changes.csv) would have billed for a past period,
-- beside what that period was billed: the test of a change before it goes live. Build it for a
-- period with `dbt build --select price_changes price_change_impact --vars '{period: 2026-10}'`;
-- it reads usage and rated usage, and changes neither.
{{ config(materialized='table') }}

with

changes as (
    select * from {{ ref('price_changes') }}
),

usage as (
    select * from {{ ref('int_usage_aggregated_to_periods') }}
    where {{ in_rating_period() }}
),

rated as (
    select * from {{ ref('rated_usage') }}
    where {{ in_rating_period() }}
),

skus as (
    select * from {{ ref('stg_billbo__skus') }}
),

currencies as (
    select * from {{ ref('stg_billbo__currencies') }}
),

proposed as (
    select
        usage.merchant_id,
        usage.customer_id,
        usage.sku_id,
        usage.period_start,
        usage.quantity,
        usage.event_count,
        changes.effective_from as proposed_effective_from,
        changes.pricing_model as proposed_pricing_model,
        billbo_rating(
            changes.pricing_model::pricing_model, changes.unit_price, changes.package_size, changes.package_price,
            coalesce(changes.tiers, '[]'::jsonb), coalesce(changes.included_quantity, 0),
            coalesce(changes.minimum_charge, 0), usage.quantity, usage.event_count > 0
        ) as proposed_rating
    from usage
    inner join changes on usage.merchant_id = changes.merchant_id and usage.sku_id = changes.sku_id
),

final as (
    select
        proposed.merchant_id,
        proposed.customer_id,
        proposed.sku_id,
        proposed.period_start,
        skus.currency,
        proposed.quantity,
        proposed.event_count,
        rated.price_version as current_price_version,
        rated.amount_minor as current_amount_minor,
        proposed.proposed_effective_from,
        proposed.proposed_pricing_model,
        proposed.proposed_rating -> 'lines' as proposed_tier_breakdown,
        (proposed.proposed_rating ->> 'amount')::numeric as proposed_amount_unrounded,
        {{ to_minor_units("(proposed.proposed_rating ->> 'amount')::numeric", 'currencies.minor_unit_exponent') }}
            as proposed_amount_minor,
        {{ to_minor_units("(proposed.proposed_rating ->> 'amount')::numeric", 'currencies.minor_unit_exponent') }}
            - coalesce(rated.amount_minor, 0) as difference_minor
    from proposed
    inner join skus on proposed.merchant_id = skus.merchant_id and proposed.sku_id = skus.sku_id
    inner join currencies on skus.currency = currencies.currency
    left join rated
        on proposed.merchant_id = rated.merchant_id and proposed.customer_id = rated.customer_id
        and proposed.sku_id = rated.sku_id and proposed.period_start = rated.period_start
)

select * from final
