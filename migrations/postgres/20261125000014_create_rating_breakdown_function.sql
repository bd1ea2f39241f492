-- migrate:up
-- The tier math with its workings: billbo_rating returns what billbo_rate returned (its "amount")
-- together with the line of each tier the quantity reached, so every rated amount can be
-- explained. billbo_rate becomes a thin wrapper, so the math exists once in SQL; the property
-- test (tests/billbo/pricing/test_sql_function.py) holds both the amount and the lines equal to
-- billbo/pricing/models.py. Numbers are JSON strings: exact in every client that reads them.
--
-- {"billable_quantity": "150", "subtotal": "12.5", "minimum_top_up": "0", "amount": "12.5",
--  "lines": [{"tier": 1, "from": "0", "up_to": "100", "quantity": "100", "unit_price": "0.1",
--             "flat_fee": "0", "amount": "10.0"}, ...]}
-- per_unit and package give one line without a tier; package's quantity is the packages billed.
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
    lower_bound numeric := 0;
    upper_bound numeric;
    units numeric;
    fee numeric;
    line_amount numeric;
    packages numeric;
    position integer := 0;
    tier jsonb;
begin
    if billable > 0 then
        if model = 'per_unit' then
            line_amount := billable * unit_price;
            lines := jsonb_build_array(jsonb_build_object(
                'tier', null, 'from', null, 'up_to', null, 'quantity', billable::text,
                'unit_price', unit_price::text, 'flat_fee', '0', 'amount', line_amount::text));
        elsif model = 'package' then
            packages := div(billable, package_size) + case when mod(billable, package_size) > 0 then 1 else 0 end;
            line_amount := packages * package_price;
            lines := jsonb_build_array(jsonb_build_object(
                'tier', null, 'from', null, 'up_to', null, 'quantity', packages::text,
                'unit_price', package_price::text, 'flat_fee', '0', 'amount', line_amount::text));
        elsif model = 'graduated' then
            for tier in select value from jsonb_array_elements(tiers) loop
                position := position + 1;
                exit when billable <= lower_bound;
                upper_bound := case when tier->>'up_to' is null then billable
                                    else least(billable, (tier->>'up_to')::numeric) end;
                units := upper_bound - lower_bound;
                fee := coalesce((tier->>'flat_fee')::numeric, 0);
                line_amount := units * (tier->>'unit_price')::numeric + fee;
                lines := lines || jsonb_build_object(
                    'tier', position, 'from', lower_bound::text, 'up_to', tier->>'up_to', 'quantity', units::text,
                    'unit_price', tier->>'unit_price', 'flat_fee', fee::text, 'amount', line_amount::text);
                lower_bound := upper_bound;
            end loop;
        elsif model = 'volume' then
            for tier in select value from jsonb_array_elements(tiers) loop
                position := position + 1;
                if tier->>'up_to' is null or billable <= (tier->>'up_to')::numeric then
                    fee := coalesce((tier->>'flat_fee')::numeric, 0);
                    line_amount := billable * (tier->>'unit_price')::numeric + fee;
                    lines := jsonb_build_array(jsonb_build_object(
                        'tier', position, 'from', lower_bound::text, 'up_to', tier->>'up_to',
                        'quantity', billable::text, 'unit_price', tier->>'unit_price', 'flat_fee', fee::text,
                        'amount', line_amount::text));
                    exit;
                end if;
                lower_bound := (tier->>'up_to')::numeric;
            end loop;
        end if;
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
