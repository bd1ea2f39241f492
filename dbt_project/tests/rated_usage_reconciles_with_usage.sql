-- Every customer's usage of the period is rated exactly once, with the same quantity and event
-- count, unless its SKU has no price in force (that usage is listed as unpriced, not billed); and
-- nothing is rated that was not used. Rows returned are the discrepancies.
{{ config(meta={'dagster': {'ref': {'name': 'rated_usage'}}}) }}

with

usage as (
    select merchant_id, customer_id, sku_id, period_start, sum(quantity) as quantity, sum(event_count) as event_count
    from {{ ref('stg_billbo__usage_daily') }}
    where {{ in_rating_period() }}
    group by merchant_id, customer_id, sku_id, period_start
),

rated as (
    select * from {{ ref('rated_usage') }}
    where {{ in_rating_period() }}
),

versions as (
    select * from {{ ref('stg_billbo__price_versions') }}
),

compared as (
    select
        coalesce(usage.merchant_id, rated.merchant_id) as merchant_id,
        coalesce(usage.customer_id, rated.customer_id) as customer_id,
        coalesce(usage.sku_id, rated.sku_id) as sku_id,
        coalesce(usage.period_start, rated.period_start) as period_start,
        usage.quantity as used_quantity,
        rated.quantity as rated_quantity,
        usage.event_count as used_events,
        rated.event_count as rated_events,
        exists (
            select 1 from versions
            where versions.merchant_id = usage.merchant_id and versions.sku_id = usage.sku_id
                and versions.effective_from <= usage.period_start::timestamp at time zone 'UTC'
        ) as priced
    from usage
    full outer join rated
        on usage.merchant_id = rated.merchant_id and usage.customer_id = rated.customer_id
        and usage.sku_id = rated.sku_id and usage.period_start = rated.period_start
),

final as (
    select * from compared
    where (rated_quantity is null and priced)
        or used_quantity is null
        or used_quantity <> rated_quantity
        or used_events <> rated_events
)

select * from final
