-- migrate:up
-- API keys of the ingest API. Only the SHA-256 of a key is stored; the prefix lets a merchant
-- recognise a key in the dashboard.
create table api_keys (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    name text not null check (length(name) between 1 and 200),
    prefix text not null check (prefix like 'bb\_%'),
    key_sha256 bytea not null unique check (length(key_sha256) = 32),
    created_by uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
);

create index api_keys_merchant_idx on api_keys (merchant_id);

-- migrate:down
