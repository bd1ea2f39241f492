-- migrate:up
-- Dashboard sessions: refresh tokens, stored only as SHA-256 digests. A refresh rotates the
-- token (the old one is revoked and points to its successor); presenting a revoked token again
-- revokes its whole family, since only a thief would still hold it.
create table refresh_tokens (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references users (id) on delete cascade,
    family_id uuid not null,
    token_sha256 bytea not null unique check (length(token_sha256) = 32),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz,
    replaced_by uuid references refresh_tokens (id)
);

create index refresh_tokens_family_idx on refresh_tokens (family_id);

-- Failed log-ins, to throttle guessing. Keyed by a digest of the lower-cased email, so the
-- table never shows which addresses were tried.
create table login_failures (
    email_sha256 bytea not null,
    failed_at timestamptz not null default now()
);

create index login_failures_email_idx on login_failures (email_sha256, failed_at);

-- migrate:down
