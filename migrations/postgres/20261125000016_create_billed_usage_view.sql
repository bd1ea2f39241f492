-- migrate:up
-- What finalised invoices billed, per customer, SKU, usage period and billing period: the one
-- definition the invoicing stage (adjustment lines for late usage) and the dashboard's line
-- explanation (what an adjustment's period was billed before) both read.
create view billed_usage as
select
    i.merchant_id,
    i.customer_id,
    i.currency,
    l.sku_id,
    l.usage_period_start,
    i.period_start as billing_period_start,
    sum(l.quantity) as quantity,
    sum(l.event_count) as event_count,
    sum(l.amount_unrounded) as amount_unrounded,
    sum(l.amount_minor) as amount_minor
from invoice_lines l
join invoices i on i.id = l.invoice_id
where i.status = 'finalized'
group by i.merchant_id, i.customer_id, i.currency, l.sku_id, l.usage_period_start, i.period_start;

-- migrate:down
