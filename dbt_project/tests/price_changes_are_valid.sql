-- Proposed price changes follow the same rules as prices written through the dashboard API:
-- the terms each model needs, no negative amounts, contiguous tiers with an open-ended last one,
-- a period start as the effective date, and a SKU that exists. Rows returned are the faults.
with

changes as (
    select * from {{ ref('price_changes') }}
),

skus as (
    select * from {{ ref('stg_billbo__skus') }}
),

tiers as (
    select
        changes.merchant_id,
        changes.sku_id,
        tier.position - 1 as tier_position,
        case when tier.value ->> 'up_to' is null then null else (tier.value ->> 'up_to')::numeric end as up_to,
        (tier.value ->> 'unit_price')::numeric as unit_price,
        coalesce((tier.value ->> 'flat_fee')::numeric, 0) as flat_fee,
        count(*) over (partition by changes.merchant_id, changes.sku_id) as tier_count,
        lag((tier.value ->> 'up_to')::numeric) over (
            partition by changes.merchant_id, changes.sku_id order by tier.position
        ) as previous_up_to
    from changes
    cross join lateral jsonb_array_elements(coalesce(changes.tiers, '[]'::jsonb)) with ordinality as tier (value, position)
),

faults as (
    select merchant_id, sku_id, 'unknown SKU' as fault
    from changes
    where not exists (select 1 from skus where skus.merchant_id = changes.merchant_id and skus.sku_id = changes.sku_id)
    union all
    select merchant_id, sku_id, 'effective_from must be the first day of a month'
    from changes where extract(day from effective_from) <> 1
    union all
    select merchant_id, sku_id, 'per_unit needs unit_price'
    from changes where pricing_model = 'per_unit' and (unit_price is null or unit_price < 0)
    union all
    select merchant_id, sku_id, 'package needs package_size above 0 and package_price'
    from changes
    where pricing_model = 'package' and (package_size is null or package_size <= 0 or package_price is null or package_price < 0)
    union all
    select merchant_id, sku_id, pricing_model || ' needs tiers'
    from changes
    where pricing_model in ('graduated', 'volume') and jsonb_array_length(coalesce(tiers, '[]'::jsonb)) = 0
    union all
    select merchant_id, sku_id, pricing_model || ' has no tiers'
    from changes
    where pricing_model in ('per_unit', 'package') and jsonb_array_length(coalesce(tiers, '[]'::jsonb)) > 0
    union all
    select merchant_id, sku_id, 'included_quantity and minimum_charge cannot be negative'
    from changes where coalesce(included_quantity, 0) < 0 or coalesce(minimum_charge, 0) < 0
    union all
    select merchant_id, sku_id, 'tier ' || tier_position || ': bounds must rise'
    from tiers where up_to <= previous_up_to or (up_to is not null and up_to <= 0)
    union all
    select merchant_id, sku_id, 'tier ' || tier_position || ': only the last tier is open-ended, and it must be'
    from tiers where (up_to is null) <> (tier_position = tier_count - 1)
    union all
    select merchant_id, sku_id, 'tier ' || tier_position || ': prices and fees cannot be negative'
    from tiers where unit_price is null or unit_price < 0 or flat_fee < 0
),

final as (
    select * from faults
)

select * from final
