{#
    `dbt run-operation apply_price_changes`: each row of seeds/price_changes.csv becomes the SKU's
    next price version, in force from its effective_from (a period start, never in the past: the
    current period keeps its price, as a price change made in the dashboard does). Everything or
    nothing, in one transaction; a change already applied (same SKU and date) is skipped, so
    running it twice changes nothing. Run `dbt seed` and `dbt test --select price_changes` first.
#}
{% macro apply_price_changes() %}
    {% set apply %}
        do $$
        declare
            change record;
            new_version uuid;
        begin
            for change in select * from {{ ref('price_changes') }} order by merchant_id, sku_id, effective_from loop
                new_version := null;
                if change.effective_from < date_trunc('month', now() at time zone 'UTC')::date + interval '1 month' then
                    raise exception 'price change for SKU % starts %, before the next period', change.sku_id,
                        change.effective_from;
                end if;
                insert into {{ source('billbo', 'price_versions') }} (
                    merchant_id, sku_id, version, model, effective_from, unit_price, package_size, package_price,
                    included_quantity, minimum_charge
                )
                select change.merchant_id, change.sku_id, coalesce(max(version), 0) + 1, change.pricing_model::pricing_model,
                       change.effective_from::timestamp at time zone 'UTC', change.unit_price, change.package_size,
                       change.package_price, coalesce(change.included_quantity, 0), coalesce(change.minimum_charge, 0)
                from {{ source('billbo', 'price_versions') }}
                where merchant_id = change.merchant_id and sku_id = change.sku_id
                on conflict (merchant_id, sku_id, effective_from) do nothing
                returning id into new_version;
                if new_version is not null then
                    insert into {{ source('billbo', 'price_tiers') }} (price_version_id, position, up_to, unit_price, flat_fee)
                    select new_version, (tier.position - 1)::smallint, (tier.value ->> 'up_to')::numeric,
                           (tier.value ->> 'unit_price')::numeric, coalesce((tier.value ->> 'flat_fee')::numeric, 0)
                    from jsonb_array_elements(coalesce(change.tiers, '[]'::jsonb)) with ordinality as tier (value, position);
                end if;
            end loop;
        end
        $$;
    {% endset %}
    {% do run_query(apply) %}
    {{ log("price changes applied", info=True) }}
{% endmacro %}
