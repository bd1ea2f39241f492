-- migrate:up
-- Each invoice line keeps the calculation that priced it, written with the line from the rated
-- usage it bills (rating.rated_usage, the SQL billbo_rating): the billable quantity, the price
-- version's included quantity, the tier-by-tier breakdown and the minimum top-up (the price
-- version itself is price_version_id). An adjustment line (late usage of a finalised period,
-- D11/D12) keeps the breakdown of its period rated again as a whole, and what finalised invoices
-- had billed for that period before (billed_before_*): the line is the difference. The line's
-- explanation reads these columns; it never rates again, so it cannot drift from what was billed.
alter table invoice_lines
    add column billable_quantity numeric,
    add column included_quantity numeric,
    add column tier_breakdown jsonb,
    add column minimum_top_up numeric,
    add column billed_before_quantity numeric,
    add column billed_before_minor bigint,
    -- a breakdown is stored whole or not at all (lines older than this migration may have none)
    add constraint invoice_lines_breakdown_whole
        check (num_nulls(billable_quantity, included_quantity, tier_breakdown, minimum_top_up) in (0, 4)),
    add constraint invoice_lines_breakdown_is_a_list
        check (tier_breakdown is null or jsonb_typeof(tier_breakdown) = 'array'),
    add constraint invoice_lines_billed_before_whole
        check (num_nulls(billed_before_quantity, billed_before_minor) in (0, 2)
               and (billed_before_quantity is null or tier_breakdown is not null));

-- Lines written before this migration: each gets the breakdown of the rated usage it billed, where
-- that rated usage still matches the line exactly (same price version, quantity, events and both
-- amounts; for an adjustment line, the period's rated usage less what finalised invoices of
-- earlier billing periods billed for it). A line whose rated usage has changed since (late usage
-- re-rated a finalised period, or the period was never re-rated after rated_usage was rebuilt in
-- 20261125000015) keeps no breakdown: drafts get theirs at their next refresh, which rewrites their
-- lines; finalised ones stay without, and their explanation says so instead of guessing.
--
-- Finalised invoices and their lines are frozen by a trigger (20261124000012). This migration
-- alone lifts it, for this one update: the trigger is disabled inside the migration's transaction
-- (dbmate runs each migration in one), while the ALTER TABLE above holds a lock that keeps every
-- other session's writes to invoice_lines waiting until it commits; the update sets only the new
-- columns, only where they are still null; the trigger is on again before the transaction ends.
-- From then on a finalised line's breakdown is frozen like the rest of it.
do $$
declare
    filled bigint;
    adjusted bigint;
begin
    if to_regclass('rating.rated_usage') is null then
        raise notice 'invoice lines: nothing rated yet, no breakdown to fill';
        return;
    end if;

    alter table invoice_lines disable trigger invoice_lines_finalized;

    -- Lines of their invoice's own period: the period's rated usage.
    with matched as (
        select l.id, r.billable_quantity, v.included_quantity, r.tier_breakdown, r.minimum_top_up
        from invoice_lines l
        join invoices i on i.id = l.invoice_id and l.usage_period_start = i.period_start
        join rating.rated_usage r
          on r.merchant_id = i.merchant_id and r.customer_id = i.customer_id and r.currency = i.currency
         and r.sku_id = l.sku_id and r.period_start = l.usage_period_start
        join price_versions v on v.id = l.price_version_id
        where l.tier_breakdown is null
          and r.price_version_id = l.price_version_id and r.quantity = l.quantity
          and r.event_count = l.event_count and r.amount_unrounded = l.amount_unrounded
          and r.amount_minor = l.amount_minor
          and r.billable_quantity = greatest(greatest(r.quantity, 0) - v.included_quantity, 0)
    )
    update invoice_lines l
    set billable_quantity = m.billable_quantity, included_quantity = m.included_quantity,
        tier_breakdown = m.tier_breakdown, minimum_top_up = m.minimum_top_up
    from matched m
    where m.id = l.id;
    get diagnostics filled = row_count;

    -- Adjustment lines: their period rated again as a whole, less what was billed before.
    with matched as (
        select l.id, r.billable_quantity, v.included_quantity, r.tier_breakdown, r.minimum_top_up,
               coalesce(b.quantity, 0) as billed_quantity, coalesce(b.amount_minor, 0) as billed_minor
        from invoice_lines l
        join invoices i on i.id = l.invoice_id and l.usage_period_start < i.period_start
        join rating.rated_usage r
          on r.merchant_id = i.merchant_id and r.customer_id = i.customer_id and r.currency = i.currency
         and r.sku_id = l.sku_id and r.period_start = l.usage_period_start
        join price_versions v on v.id = l.price_version_id
        cross join lateral (
            select sum(u.quantity) as quantity, sum(u.event_count) as event_count,
                   sum(u.amount_unrounded) as amount_unrounded, sum(u.amount_minor) as amount_minor
            from billed_usage u
            where u.merchant_id = i.merchant_id and u.customer_id = i.customer_id and u.currency = i.currency
              and u.sku_id = l.sku_id and u.usage_period_start = l.usage_period_start
              and u.billing_period_start < i.period_start
        ) b
        where l.tier_breakdown is null
          and r.price_version_id = l.price_version_id
          and r.quantity - coalesce(b.quantity, 0) = l.quantity
          and r.event_count - coalesce(b.event_count, 0) = l.event_count
          and r.amount_unrounded - coalesce(b.amount_unrounded, 0) = l.amount_unrounded
          and r.amount_minor - coalesce(b.amount_minor, 0) = l.amount_minor
          and r.billable_quantity = greatest(greatest(r.quantity, 0) - v.included_quantity, 0)
    )
    update invoice_lines l
    set billable_quantity = m.billable_quantity, included_quantity = m.included_quantity,
        tier_breakdown = m.tier_breakdown, minimum_top_up = m.minimum_top_up,
        billed_before_quantity = m.billed_quantity, billed_before_minor = m.billed_minor
    from matched m
    where m.id = l.id;
    get diagnostics adjusted = row_count;

    alter table invoice_lines enable trigger invoice_lines_finalized;

    raise notice 'invoice lines: % given their breakdown (% of them adjustments); % draft and % finalised lines have none',
        filled + adjusted, adjusted,
        (select count(*) from invoice_lines l join invoices i on i.id = l.invoice_id
         where l.tier_breakdown is null and i.status = 'draft'),
        (select count(*) from invoice_lines l join invoices i on i.id = l.invoice_id
         where l.tier_breakdown is null and i.status = 'finalized');
end;
$$;

-- migrate:down
