-- migrate:up
-- The merchant's own customers. Their ids are the merchant's (events carry them), so the key is
-- (merchant_id, id): two merchants may use the same customer id.
create table customers (
    merchant_id uuid not null references merchants (id) on delete cascade,
    id uuid not null,
    name text not null check (length(name) between 1 and 500),
    email text,
    currency char(3) not null references currencies (code),
    metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    archived_at timestamptz,
    primary key (merchant_id, id)
);

-- migrate:down
