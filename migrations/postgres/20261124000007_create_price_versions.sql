-- migrate:up
-- Prices are versioned: a price change is a new version with the date it takes effect. A version
-- is locked once a finalised invoice used it, and a locked version never changes again.
create type pricing_model as enum ('per_unit', 'graduated', 'volume', 'package');

create table price_versions (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null,
    sku_id uuid not null,
    version integer not null check (version > 0),
    model pricing_model not null,
    effective_from timestamptz not null,
    -- per_unit
    unit_price numeric check (unit_price >= 0),
    -- package: every started package of package_size units costs package_price
    package_size numeric check (package_size > 0),
    package_price numeric check (package_price >= 0),
    -- free quantity per billing period, and the least a period costs when there is usage
    included_quantity numeric not null default 0 check (included_quantity >= 0),
    minimum_charge numeric not null default 0 check (minimum_charge >= 0),
    created_by uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    locked_at timestamptz,
    foreign key (merchant_id, sku_id) references skus (merchant_id, id) on delete cascade,
    unique (merchant_id, sku_id, version),
    unique (merchant_id, sku_id, effective_from),
    check (model <> 'per_unit' or unit_price is not null),
    check (model <> 'package' or (package_size is not null and package_price is not null))
);

-- Tiers of graduated and volume prices. Tier n covers quantities above the previous tier's
-- up_to, up to and including its own up_to; the last tier is open-ended (up_to is null).
create table price_tiers (
    price_version_id uuid not null references price_versions (id) on delete cascade,
    position smallint not null check (position >= 0),
    up_to numeric check (up_to > 0),
    unit_price numeric not null check (unit_price >= 0),
    flat_fee numeric not null default 0 check (flat_fee >= 0),
    primary key (price_version_id, position)
);

create function forbid_locked_price_change() returns trigger
language plpgsql as $$
begin
    if tg_table_name = 'price_versions' then
        if old.locked_at is not null then
            raise exception 'price version % is locked by a finalised invoice', old.id
                using errcode = 'check_violation';
        end if;
    elsif exists (
        select 1 from price_versions
        where id in (old.price_version_id, new.price_version_id) and locked_at is not null
    ) then
        raise exception 'price version % is locked by a finalised invoice',
            coalesce(old.price_version_id, new.price_version_id)
            using errcode = 'check_violation';
    end if;
    return coalesce(new, old);
end;
$$;

create trigger price_versions_locked
    before update or delete on price_versions
    for each row execute function forbid_locked_price_change();

create trigger price_tiers_locked
    before insert or update or delete on price_tiers
    for each row execute function forbid_locked_price_change();

-- migrate:down
