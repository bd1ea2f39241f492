-- An invoice's subtotal is the sum of its lines' amounts, each rounded once (no rounding of the
-- total). Rows returned are the invoices whose lines do not add up.
with

lines as (
    select * from {{ ref('invoice_lines') }}
),

final as (
    select distinct invoice_id, invoice_number, invoice_subtotal_minor, invoice_lines_total_minor
    from lines
    where invoice_subtotal_minor <> invoice_lines_total_minor
)

select * from final
