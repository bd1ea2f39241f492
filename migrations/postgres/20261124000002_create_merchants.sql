-- migrate:up
-- A merchant: an organisation using BillBo to bill its own customers.
create table merchants (
    id uuid primary key default gen_random_uuid(),
    name text not null check (length(name) between 1 and 200),
    -- Events may be sent this long after they happened (ingest rejects older ones).
    backdating_window interval not null default interval '35 days'
        check (backdating_window > interval '0'),
    -- Invoices of a period are finalised this long after the period ends.
    invoice_grace_period interval not null default interval '1 hour'
        check (invoice_grace_period >= interval '0'),
    created_at timestamptz not null default now()
);

-- migrate:down
