with

versions as (
    select * from {{ source('billbo', 'price_versions') }}
),

tiers as (
    select * from {{ ref('stg_billbo__price_tiers') }}
),

tier_lists as (
    select
        price_version_id,
        jsonb_agg(
            jsonb_build_object(
                'up_to', tier_up_to::text, 'unit_price', tier_unit_price::text, 'flat_fee', tier_flat_fee::text
            ) order by tier_position
        ) as tiers
    from tiers
    group by price_version_id
),

final as (
    select
        versions.id as price_version_id,
        versions.merchant_id,
        versions.sku_id,
        versions.version as price_version,
        versions.model::text as pricing_model,  -- text: readable by every client and by dbt unit tests
        versions.effective_from,
        versions.unit_price,
        versions.package_size,
        versions.package_price,
        versions.included_quantity,
        versions.minimum_charge,
        coalesce(tier_lists.tiers, '[]'::jsonb) as tiers
    from versions
    left join tier_lists on tier_lists.price_version_id = versions.id
)

select * from final
