-- migrate:up
-- The tier math in SQL, for the dbt rating models: what a period's net quantity of a SKU costs
-- under one price version. It follows billbo/pricing/models.py rule for rule, and a property test
-- (tests/billbo/pricing/test_sql_function.py) holds the two equal over random prices and quantities:
-- tier n covers (previous up_to, up_to]; a negative net rates as zero; the included quantity comes
-- off first; graduated tiers add their flat fee when usage enters them, volume the fee of the tier
-- the whole quantity falls in; partial packages round up; the minimum charge tops up a period with
-- usage. The result is unrounded: invoice lines round it once, to the currency's minor units.
create function billbo_rate(
    model pricing_model,
    unit_price numeric,
    package_size numeric,
    package_price numeric,
    tiers jsonb,            -- [{"up_to": "100" | null, "unit_price": "0.1", "flat_fee": "0"}, ...] in order
    included_quantity numeric,
    minimum_charge numeric,
    quantity numeric,
    had_usage boolean default null
) returns numeric
language plpgsql immutable parallel safe as $$
declare
    net numeric := greatest(quantity, 0);
    billable numeric := greatest(net - included_quantity, 0);
    subtotal numeric := 0;
    lower_bound numeric := 0;
    upper_bound numeric;
    tier jsonb;
begin
    if billable > 0 then
        if model = 'per_unit' then
            subtotal := billable * unit_price;
        elsif model = 'package' then
            subtotal := (div(billable, package_size) + case when mod(billable, package_size) > 0 then 1 else 0 end)
                        * package_price;
        elsif model = 'graduated' then
            for tier in select value from jsonb_array_elements(tiers) loop
                exit when billable <= lower_bound;
                upper_bound := case when tier->>'up_to' is null then billable
                                    else least(billable, (tier->>'up_to')::numeric) end;
                subtotal := subtotal + (upper_bound - lower_bound) * (tier->>'unit_price')::numeric
                            + coalesce((tier->>'flat_fee')::numeric, 0);
                lower_bound := upper_bound;
            end loop;
        elsif model = 'volume' then
            for tier in select value from jsonb_array_elements(tiers) loop
                if tier->>'up_to' is null or billable <= (tier->>'up_to')::numeric then
                    subtotal := billable * (tier->>'unit_price')::numeric + coalesce((tier->>'flat_fee')::numeric, 0);
                    exit;
                end if;
            end loop;
        end if;
    end if;
    if coalesce(had_usage, net > 0) then
        subtotal := subtotal + greatest(minimum_charge - subtotal, 0);
    end if;
    return subtotal;
end;
$$;

-- migrate:down
