-- Tier convention (decision log D5): tier n covers (previous up_to, up_to]; positions run 0..n-1
-- without gaps, bounds rise strictly, only the last tier is open-ended (up_to null), graduated
-- and volume prices have tiers and the others none. The dashboard API enforces this on write;
-- this test catches prices written any other way (an analyst's SQL). Rows returned are the faults,
-- each saying whether the version has rated usage already. It runs with every rating run: it reads
-- rated_usage, and dbt selects a test when one of the models it reads is built.
{{ config(meta={'dagster': {'ref': {'name': 'rated_usage'}}}) }}

with

tiers as (
    select * from {{ ref('stg_billbo__price_tiers') }}
),

versions as (
    select * from {{ ref('stg_billbo__price_versions') }}
),

ordered as (
    select
        price_version_id,
        tier_position,
        tier_up_to,
        row_number() over by_position - 1 as expected_position,
        count(*) over (partition by price_version_id) as tier_count,
        lag(tier_up_to) over by_position as previous_up_to
    from tiers
    window by_position as (partition by price_version_id order by tier_position)
),

faults as (
    select price_version_id, tier_position, 'positions have a gap' as fault
    from ordered where tier_position <> expected_position
    union all
    select price_version_id, tier_position, 'bound does not rise above the previous tier'
    from ordered where tier_up_to <= previous_up_to
    union all
    select price_version_id, tier_position, 'open-ended tier before the last'
    from ordered where tier_up_to is null and expected_position < tier_count - 1
    union all
    select price_version_id, tier_position, 'last tier is not open-ended'
    from ordered where tier_up_to is not null and expected_position = tier_count - 1
    union all
    select price_version_id, null, pricing_model || ' price without tiers'
    from versions
    where pricing_model in ('graduated', 'volume') and jsonb_array_length(tiers) = 0
    union all
    select price_version_id, null, pricing_model || ' price with tiers'
    from versions
    where pricing_model in ('per_unit', 'package') and jsonb_array_length(tiers) > 0
),

used as (
    select distinct price_version_id from {{ ref('rated_usage') }}
),

final as (
    select
        faults.*,
        faults.price_version_id in (select price_version_id from used) as has_rated_usage
    from faults
)

select * from final
