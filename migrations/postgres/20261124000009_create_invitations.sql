-- migrate:up
-- Invitations to a merchant's seats. The link carries a random token; only its digest is kept.
create table invitations (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    email text not null check (email = lower(email) and email like '%_@_%'),
    role member_role not null,
    token_sha256 bytea not null unique check (length(token_sha256) = 32),
    invited_by uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    accepted_at timestamptz
);

create index invitations_merchant_idx on invitations (merchant_id);

-- migrate:down
