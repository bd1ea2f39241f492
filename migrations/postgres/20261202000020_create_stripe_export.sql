-- migrate:up
-- The Stripe export (issue 11): a merchant's billing settings, its Stripe connection (secrets
-- sealed by billbo/secrets_box.py, never stored in clear), the Stripe customer each BillBo
-- customer maps to, the export state of each finalised invoice and the Stripe invoice item of
-- each of its lines, and the Stripe webhook events already processed.

-- How exported invoices are collected; the grace period and backdating window already live here.
alter table merchants
    add column collection_method text not null default 'send_invoice'
        check (collection_method in ('send_invoice', 'charge_automatically')),
    add column days_until_due integer not null default 30 check (days_until_due between 1 and 365),
    add column send_zero_amount_invoices boolean not null default false;

create table stripe_connections (
    merchant_id uuid primary key references merchants (id) on delete cascade,
    secret_key_sealed bytea not null,
    webhook_secret_sealed bytea not null,
    account_id text not null check (length(account_id) between 1 and 255),
    key_last4 text not null check (length(key_last4) = 4),
    livemode boolean not null,
    connected_by uuid references users (id) on delete set null,
    connected_at timestamptz not null default now()
);

-- A BillBo customer's Stripe customer, per Stripe account: connecting another account maps again.
create table stripe_customers (
    merchant_id uuid not null,
    customer_id uuid not null,
    account_id text not null,
    stripe_customer_id text not null,
    created_at timestamptz not null default now(),
    primary key (merchant_id, account_id, customer_id),
    foreign key (merchant_id, customer_id) references customers (merchant_id, id) on delete cascade
);

create type invoice_export_state as enum (
    'pending', 'exported', 'paid', 'payment_failed', 'void', 'uncollectible', 'failed', 'skipped'
);

-- One row per finalised invoice of a connected merchant. Each Stripe id is stored as soon as
-- Stripe answers, so a re-run resumes where the last one stopped.
create table invoice_exports (
    invoice_id uuid primary key references invoices (id) on delete cascade,
    merchant_id uuid not null references merchants (id) on delete cascade,
    account_id text not null,
    state invoice_export_state not null default 'pending',
    stripe_customer_id text,
    stripe_invoice_id text unique,
    stripe_invoice_number text,
    hosted_invoice_url text,
    stripe_finalized_at timestamptz,  -- set once Stripe finalised it (then only sending may remain)
    sent_at timestamptz,
    error_code text,
    error_message text,
    attempts integer not null default 0 check (attempts >= 0),  -- runs that reached Stripe for it
    -- The `created` time of the last Stripe event applied: an older one never moves the state back.
    last_event_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- A failed export says why; a pending one may keep the last error it met (it will be retried).
    check (state <> 'failed' or error_message is not null)
);

create index invoice_exports_to_do_idx on invoice_exports (merchant_id) where state in ('pending', 'failed');

create table invoice_line_exports (
    line_id uuid primary key references invoice_lines (id) on delete cascade,
    invoice_id uuid not null references invoice_exports (invoice_id) on delete cascade,
    stripe_invoice_item_id text not null unique
);

create index invoice_line_exports_invoice_idx on invoice_line_exports (invoice_id);

-- Stripe webhook events already handled: a replay changes nothing.
create table stripe_webhook_events (
    merchant_id uuid not null references merchants (id) on delete cascade,
    event_id text not null,
    type text not null,
    received_at timestamptz not null default now(),
    primary key (merchant_id, event_id)
);

-- When Stripe says the invoice was paid (its status_transitions.paid_at), set by the webhooks
-- (billbo/stripe/payments.py) with the state `paid`.
alter table invoice_exports add column paid_at timestamptz;

-- migrate:down
