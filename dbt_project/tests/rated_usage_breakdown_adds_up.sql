-- Each rated line's amount is exactly the sum of its tier breakdown plus the minimum top-up, and
-- its minor units are that amount rounded once. Rows returned are the lines that do not add up.
with

rated as (
    select * from {{ ref('rated_usage') }}
    where {{ in_rating_period() }}
),

summed as (
    select
        rated.merchant_id,
        rated.customer_id,
        rated.sku_id,
        rated.period_start,
        rated.amount_unrounded,
        rated.minimum_top_up,
        coalesce((select sum((line ->> 'amount')::numeric) from jsonb_array_elements(rated.tier_breakdown) line), 0)
            as breakdown_total
    from rated
),

final as (
    select * from summed
    where breakdown_total + minimum_top_up <> amount_unrounded
)

select * from final
