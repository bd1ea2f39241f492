-- Every invoice line with its invoice and the price version that made it: what analysts read to
-- trace an amount back to usage and price. A view over the invoicing stage's tables (Dagster
-- writes invoices; dbt does not), so it is always current.
with

invoices as (
    select * from {{ source('billbo', 'invoices') }}
),

lines as (
    select * from {{ source('billbo', 'invoice_lines') }}
),

versions as (
    select * from {{ ref('stg_billbo__price_versions') }}
),

final as (
    select
        lines.id as invoice_line_id,
        invoices.id as invoice_id,
        invoices.number as invoice_number,
        invoices.status::text as invoice_status,
        invoices.merchant_id,
        invoices.customer_id,
        invoices.currency,
        invoices.period_start as billing_period_start,
        lines.sku_id,
        lines.usage_period_start,
        lines.usage_period_start <> invoices.period_start as is_adjustment,
        lines.price_version_id,
        versions.price_version,
        versions.pricing_model,
        lines.quantity,
        lines.event_count,
        lines.amount_unrounded,
        lines.amount_minor,
        invoices.subtotal_minor as invoice_subtotal_minor,
        sum(lines.amount_minor) over (partition by invoices.id) as invoice_lines_total_minor
    from lines
    inner join invoices on lines.invoice_id = invoices.id
    left join versions on lines.price_version_id = versions.price_version_id
)

select * from final
