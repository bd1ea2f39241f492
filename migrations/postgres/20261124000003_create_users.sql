-- migrate:up
-- Seats: the people of a merchant who use the dashboard, each with one role.
create type member_role as enum ('owner', 'admin', 'member', 'viewer');

create table users (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    email text not null check (email = lower(email) and email like '%_@_%'),
    password_hash text,  -- argon2id; null until an invited seat sets a password
    role member_role not null,
    created_at timestamptz not null default now(),
    removed_at timestamptz
);

-- One seat per email, so log-in by email finds one account.
create unique index users_email_key on users (email);
create index users_merchant_idx on users (merchant_id);

-- migrate:down
