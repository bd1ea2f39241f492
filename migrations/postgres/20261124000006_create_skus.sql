-- migrate:up
-- A SKU: something a merchant sells by usage, in a unit (API calls, GB, seconds) and a currency.
create table skus (
    merchant_id uuid not null references merchants (id) on delete cascade,
    id uuid not null default gen_random_uuid(),
    name text not null check (length(name) between 1 and 200),
    unit text not null check (length(unit) between 1 and 50),
    currency char(3) not null references currencies (code),
    created_at timestamptz not null default now(),
    archived_at timestamptz,
    primary key (merchant_id, id)
);

-- migrate:down
