-- migrate:up
-- The tier math with its workings, one function per pricing model, mirroring the classes of
-- billbo/pricing/models.py: each takes the billable quantity (above zero) and returns the lines
-- of the calculation; billbo_rating applies the period rules around them (a negative net rates as
-- zero, the included quantity comes off first, the minimum charge tops up a period with usage)
-- and returns the amount with its breakdown. billbo_rate, which the rating models called before,
-- becomes a thin wrapper, so the math exists once in SQL; the property test
-- (tests/billbo/pricing/test_sql_function.py) holds amounts and lines equal to the Python module.
-- Numbers are JSON strings: exact in every client that reads them.
--
-- billbo_rating(...) = {"billable_quantity": "150", "subtotal": "12.5", "minimum_top_up": "0",
--   "amount": "12.5", "lines": [{"tier": 1, "from": "0", "up_to": "100", "quantity": "100",
--   "unit_price": "0.1", "flat_fee": "0", "amount": "10.0"}, ...]}
-- per_unit and package give one line without a tier; package's quantity is the packages billed.

create function billbo_line(
    tier integer, lower_bound numeric, up_to text, quantity numeric, unit_price numeric, flat_fee numeric
) returns jsonb
language sql immutable parallel safe as $$
    select jsonb_build_object(
        'tier', tier, 'from', lower_bound::text, 'up_to', up_to, 'quantity', quantity::text,
        'unit_price', unit_price::text, 'flat_fee', flat_fee::text, 'amount', (quantity * unit_price + flat_fee)::text)
$$;

-- Per unit: quantity times price.
create function billbo_lines_per_unit(unit_price numeric, billable numeric) returns jsonb
language sql immutable parallel safe as $$
    select jsonb_build_array(billbo_line(null, null, null, billable, unit_price, 0))
$$;

-- Package: every started package of package_size units costs package_price.
create function billbo_lines_package(package_size numeric, package_price numeric, billable numeric) returns jsonb
language sql immutable parallel safe as $$
    select jsonb_build_array(billbo_line(
        null, null, null,
        div(billable, package_size) + case when mod(billable, package_size) > 0 then 1 else 0 end,
        package_price, 0))
$$;

-- Graduated: each tier prices the units that fall in it, (previous up_to, up_to], and adds its
-- flat fee once usage enters it.
create function billbo_lines_graduated(tiers jsonb, billable numeric) returns jsonb
language plpgsql immutable parallel safe as $$
declare
    lines jsonb := '[]'::jsonb;
    lower_bound numeric := 0;
    upper_bound numeric;
    tier record;
begin
    for tier in select value, ordinality::integer as position from jsonb_array_elements(tiers) with ordinality loop
        exit when billable <= lower_bound;
        upper_bound := case when tier.value->>'up_to' is null then billable
                            else least(billable, (tier.value->>'up_to')::numeric) end;
        lines := lines || billbo_line(tier.position, lower_bound, tier.value->>'up_to', upper_bound - lower_bound,
                                      (tier.value->>'unit_price')::numeric,
                                      coalesce((tier.value->>'flat_fee')::numeric, 0));
        lower_bound := upper_bound;
    end loop;
    return lines;
end;
$$;

-- Volume: the tier the whole quantity falls in prices every unit, plus that tier's flat fee.
create function billbo_lines_volume(tiers jsonb, billable numeric) returns jsonb
language plpgsql immutable parallel safe as $$
declare
    lower_bound numeric := 0;
    tier record;
begin
    for tier in select value, ordinality::integer as position from jsonb_array_elements(tiers) with ordinality loop
        if tier.value->>'up_to' is null or billable <= (tier.value->>'up_to')::numeric then
            return jsonb_build_array(billbo_line(tier.position, lower_bound, tier.value->>'up_to', billable,
                                                 (tier.value->>'unit_price')::numeric,
                                                 coalesce((tier.value->>'flat_fee')::numeric, 0)));
        end if;
        lower_bound := (tier.value->>'up_to')::numeric;
    end loop;
    raise exception 'the last tier must be open-ended' using errcode = 'data_exception';
end;
$$;

create function billbo_rating(
    model pricing_model,
    unit_price numeric,
    package_size numeric,
    package_price numeric,
    tiers jsonb,            -- [{"up_to": "100" | null, "unit_price": "0.1", "flat_fee": "0"}, ...] in order
    included_quantity numeric,
    minimum_charge numeric,
    quantity numeric,
    had_usage boolean default null
) returns jsonb
language plpgsql immutable parallel safe as $$
declare
    net numeric := greatest(quantity, 0);
    billable numeric := greatest(net - included_quantity, 0);
    lines jsonb := '[]'::jsonb;
    subtotal numeric := 0;
    top_up numeric := 0;
begin
    if billable > 0 then
        lines := case model
            when 'per_unit' then billbo_lines_per_unit(unit_price, billable)
            when 'package' then billbo_lines_package(package_size, package_price, billable)
            when 'graduated' then billbo_lines_graduated(tiers, billable)
            when 'volume' then billbo_lines_volume(tiers, billable)
        end;
        select coalesce(sum((line->>'amount')::numeric), 0) into subtotal from jsonb_array_elements(lines) line;
    end if;
    if coalesce(had_usage, net > 0) then
        top_up := greatest(minimum_charge - subtotal, 0);
    end if;
    return jsonb_build_object(
        'billable_quantity', billable::text, 'lines', lines, 'subtotal', subtotal::text,
        'minimum_top_up', top_up::text, 'amount', (subtotal + top_up)::text);
end;
$$;

create or replace function billbo_rate(
    model pricing_model,
    unit_price numeric,
    package_size numeric,
    package_price numeric,
    tiers jsonb,
    included_quantity numeric,
    minimum_charge numeric,
    quantity numeric,
    had_usage boolean default null
) returns numeric
language sql immutable parallel safe as $$
    select (billbo_rating(model, unit_price, package_size, package_price, tiers, included_quantity, minimum_charge,
                          quantity, had_usage) ->> 'amount')::numeric
$$;

-- migrate:down
