-- migrate:up
-- Deduplicated usage per merchant, customer, SKU and day (UTC), loaded from ClickHouse by the
-- Dagster usage asset. A day is replaced as a whole, in one transaction, each time it is loaded.
-- event_checksum is the XOR of cityHash64(event_id) over the day's events: it changes when the set
-- of counted events changes, so an invoice line can show exactly which events it counted.
create table usage_daily (
    merchant_id uuid not null,
    customer_id uuid not null,
    sku_id uuid not null,
    day date not null,
    quantity numeric not null,
    event_count bigint not null check (event_count > 0),
    event_checksum numeric(20, 0) not null check (event_checksum >= 0),
    primary key (merchant_id, day, customer_id, sku_id)
);

-- One row per load of a day: what ClickHouse held then, so late events (ingested after the load)
-- can be found and only their days reloaded.
create table usage_loads (
    day date primary key,
    loaded_at timestamptz not null default now(),
    max_ingested_at timestamptz,
    rows bigint not null,
    events bigint not null
);

-- migrate:down
