-- migrate:up
-- Invoices: one per merchant, customer, billing period and currency. Drafts follow the rated
-- usage; finalising gives the invoice the merchant's next number (gapless) and freezes it, its
-- lines, and the price versions it used.
create type invoice_status as enum ('draft', 'finalized');

create table invoice_number_counters (
    merchant_id uuid primary key references merchants (id) on delete cascade,
    last_number bigint not null default 0 check (last_number >= 0)
);

create table invoices (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    customer_id uuid not null,
    currency char(3) not null references currencies (code),
    period_start date not null check (extract(day from period_start) = 1),
    status invoice_status not null default 'draft',
    number bigint,
    subtotal_minor bigint not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    finalized_at timestamptz,
    unique (merchant_id, customer_id, period_start, currency),
    unique (merchant_id, number),
    check ((status = 'finalized') = (number is not null and finalized_at is not null))
);

create table invoice_lines (
    id uuid primary key default gen_random_uuid(),
    invoice_id uuid not null references invoices (id) on delete cascade,
    sku_id uuid not null,
    usage_period_start date not null,  -- the period the usage belongs to
    price_version_id uuid not null references price_versions (id),
    quantity numeric not null,
    event_count bigint not null,
    amount_unrounded numeric not null,
    amount_minor bigint not null
);

create index invoice_lines_invoice_idx on invoice_lines (invoice_id);

create function forbid_finalized_invoice_change() returns trigger
language plpgsql as $$
begin
    if old.status = 'finalized' then
        raise exception 'invoice % is finalized and cannot change', old.id using errcode = 'check_violation';
    end if;
    return coalesce(new, old);
end;
$$;

create function forbid_finalized_invoice_line_change() returns trigger
language plpgsql as $$
begin
    if exists (
        select 1 from invoices
        where id in (old.invoice_id, new.invoice_id) and status = 'finalized'
    ) then
        raise exception 'invoice % is finalized and cannot change', coalesce(old.invoice_id, new.invoice_id)
            using errcode = 'check_violation';
    end if;
    return coalesce(new, old);
end;
$$;

create trigger invoices_finalized
    before update or delete on invoices
    for each row execute function forbid_finalized_invoice_change();

create trigger invoice_lines_finalized
    before insert or update or delete on invoice_lines
    for each row execute function forbid_finalized_invoice_line_change();

-- migrate:down
