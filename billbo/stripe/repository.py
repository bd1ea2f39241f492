"""SQL of the Stripe export: merchants' connections, customer mapping, export state, webhook events."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from psycopg.rows import class_row, dict_row

from billbo.postgres.connection import Conn
from billbo.stripe.schemas import ExportState, StripeExportError, StripeExportStatus


@dataclass(frozen=True)
class ConnectionRow:
    merchant_id: uuid.UUID
    secret_key_sealed: bytes
    webhook_secret_sealed: bytes
    account_id: str
    key_last4: str
    livemode: bool
    connected_at: dt.datetime


_CONNECTION = """
select merchant_id, secret_key_sealed, webhook_secret_sealed, account_id, key_last4, livemode, connected_at
from stripe_connections where merchant_id = %s
"""


def stripe_connection(conn: Conn, merchant_id: uuid.UUID) -> ConnectionRow | None:
    with conn.cursor(row_factory=class_row(ConnectionRow)) as cur:
        return cur.execute(_CONNECTION, [merchant_id]).fetchone()


def save_connection(
    conn: Conn,
    merchant_id: uuid.UUID,
    *,
    secret_key_sealed: bytes,
    webhook_secret_sealed: bytes,
    account_id: str,
    key_last4: str,
    livemode: bool,
    connected_by: uuid.UUID,
) -> None:
    conn.execute(
        """
        insert into stripe_connections (merchant_id, secret_key_sealed, webhook_secret_sealed, account_id, key_last4,
                                        livemode, connected_by)
        values (%s, %s, %s, %s, %s, %s, %s)
        on conflict (merchant_id) do update set
            secret_key_sealed = excluded.secret_key_sealed, webhook_secret_sealed = excluded.webhook_secret_sealed,
            account_id = excluded.account_id, key_last4 = excluded.key_last4, livemode = excluded.livemode,
            connected_by = excluded.connected_by, connected_at = now()
        """,
        [merchant_id, secret_key_sealed, webhook_secret_sealed, account_id, key_last4, livemode, connected_by],
    )


def delete_connection(conn: Conn, merchant_id: uuid.UUID) -> bool:
    return conn.execute("delete from stripe_connections where merchant_id = %s", [merchant_id]).rowcount > 0


# Export


@dataclass(frozen=True)
class InvoiceToExport:
    """A finalised invoice with what its export needs: the customer, the currency's exponent and
    the merchant's billing settings."""

    id: uuid.UUID
    merchant_id: uuid.UUID
    customer_id: uuid.UUID
    customer_name: str
    customer_email: str | None
    currency: str
    exponent: int
    period_start: dt.date
    number: int
    subtotal_minor: int
    collection_method: str
    days_until_due: int
    send_zero_amount_invoices: bool


@dataclass(frozen=True)
class LineToExport:
    id: uuid.UUID
    sku_name: str
    unit: str
    usage_period_start: dt.date
    quantity: Decimal
    amount_minor: int
    pricing_model: str
    package_size: Decimal | None
    billable_quantity: Decimal | None
    included_quantity: Decimal | None
    tier_breakdown: list[dict[str, Any]] | None
    minimum_top_up: Decimal | None
    billed_before_quantity: Decimal | None


@dataclass(frozen=True)
class ExportRow:
    invoice_id: uuid.UUID
    merchant_id: uuid.UUID
    account_id: str
    state: str
    stripe_customer_id: str | None
    stripe_invoice_id: str | None
    stripe_invoice_number: str | None
    hosted_invoice_url: str | None
    stripe_finalized_at: dt.datetime | None
    sent_at: dt.datetime | None
    error_code: str | None
    error_message: str | None
    attempts: int
    updated_at: dt.datetime


def as_status(row: ExportRow) -> StripeExportStatus:
    """What the dashboard shows of an export row."""
    error = StripeExportError(code=row.error_code, message=row.error_message) if row.error_message else None
    return StripeExportStatus(
        state=row.state,  # the enum's labels are ExportState's (pydantic checks)
        stripe_invoice_id=row.stripe_invoice_id,
        number=row.stripe_invoice_number,
        hosted_invoice_url=row.hosted_invoice_url,
        error=error,
        attempts=row.attempts,
        updated_at=row.updated_at,
    )


_EXPORT_COLUMNS = """
invoice_id, merchant_id, account_id, state::text as state, stripe_customer_id, stripe_invoice_id,
stripe_invoice_number, hosted_invoice_url, stripe_finalized_at, sent_at, error_code, error_message, attempts,
updated_at
"""

# Finalised invoices of connected merchants with nothing decided yet: no export row, or a pending
# one (the one definition of "to export"; `i` are invoices).
_TO_EXPORT_FROM = """
from invoices i
join stripe_connections c on c.merchant_id = i.merchant_id
left join invoice_exports e on e.invoice_id = i.id
where i.status = 'finalized' and (e.invoice_id is null or e.state = 'pending')
"""
_TO_EXPORT = (
    "select i.id"
    + _TO_EXPORT_FROM
    + """
  and i.merchant_id = %(merchant)s
  and (%(period)s::date is null or i.period_start = %(period)s)
order by i.period_start, i.number
"""
)


def invoices_to_export(conn: Conn, merchant_id: uuid.UUID, period: dt.date | None) -> list[uuid.UUID]:
    return [row[0] for row in conn.execute(_TO_EXPORT, {"merchant": merchant_id, "period": period})]


def merchants_to_export(conn: Conn, period: dt.date | None) -> list[uuid.UUID]:
    """Connected merchants with finalised invoices (of the period) not yet exported."""
    rows = conn.execute(
        "select distinct i.merchant_id"
        + _TO_EXPORT_FROM
        + " and (%(period)s::date is null or i.period_start = %(period)s) order by 1",
        {"period": period},
    ).fetchall()
    return [row[0] for row in rows]


def periods_to_export(conn: Conn) -> list[dt.date]:
    """Billing periods with finalised invoices of connected merchants not yet exported, oldest first."""
    rows = conn.execute("select distinct i.period_start" + _TO_EXPORT_FROM + " order by 1").fetchall()
    return [row[0] for row in rows]


def invoice_to_export(conn: Conn, invoice_id: uuid.UUID) -> InvoiceToExport | None:
    with conn.cursor(row_factory=class_row(InvoiceToExport)) as cur:
        return cur.execute(
            """
            select i.id, i.merchant_id, i.customer_id, c.name as customer_name, c.email as customer_email,
                   i.currency::text as currency, cur.exponent, i.period_start, i.number, i.subtotal_minor,
                   m.collection_method, m.days_until_due, m.send_zero_amount_invoices
            from invoices i
            join customers c on c.merchant_id = i.merchant_id and c.id = i.customer_id
            join currencies cur on cur.code = i.currency
            join merchants m on m.id = i.merchant_id
            where i.id = %s and i.status = 'finalized'
            """,
            [invoice_id],
        ).fetchone()


def lines_to_export(conn: Conn, invoice_id: uuid.UUID) -> list[LineToExport]:
    """The invoice's lines in a stable order, each with its SKU and what priced it."""
    with conn.cursor(row_factory=class_row(LineToExport)) as cur:
        return cur.execute(
            """
            select l.id, s.name as sku_name, s.unit, l.usage_period_start, l.quantity, l.amount_minor,
                   v.model::text as pricing_model, v.package_size, l.billable_quantity, l.included_quantity,
                   l.tier_breakdown, l.minimum_top_up, l.billed_before_quantity
            from invoice_lines l
            join invoices i on i.id = l.invoice_id
            join skus s on s.merchant_id = i.merchant_id and s.id = l.sku_id
            join price_versions v on v.id = l.price_version_id
            where l.invoice_id = %s
            order by s.name, l.sku_id, l.usage_period_start, l.id
            """,
            [invoice_id],
        ).fetchall()


def ensure_export(conn: Conn, invoice_id: uuid.UUID, merchant_id: uuid.UUID, account_id: str) -> ExportRow:
    """The invoice's export row, created pending for ``account_id`` if it has none."""
    conn.execute(
        "insert into invoice_exports (invoice_id, merchant_id, account_id) values (%s, %s, %s) "
        "on conflict (invoice_id) do nothing",
        [invoice_id, merchant_id, account_id],
    )
    row = export(conn, invoice_id)
    assert row is not None
    return row


def export(conn: Conn, invoice_id: uuid.UUID) -> ExportRow | None:
    with conn.cursor(row_factory=class_row(ExportRow)) as cur:
        return cur.execute(
            f"select {_EXPORT_COLUMNS} from invoice_exports where invoice_id = %s", [invoice_id]
        ).fetchone()


def merchant_export(conn: Conn, merchant_id: uuid.UUID, invoice_id: uuid.UUID) -> ExportRow | None:
    with conn.cursor(row_factory=class_row(ExportRow)) as cur:
        return cur.execute(
            f"select {_EXPORT_COLUMNS} from invoice_exports where merchant_id = %s and invoice_id = %s",
            [merchant_id, invoice_id],
        ).fetchone()


def lock_export(conn: Conn, invoice_id: uuid.UUID) -> bool:
    """A session lock on the invoice's export (held across the export's transactions; false when
    another exporter holds it). Released by :func:`unlock_export` or when the connection ends."""
    row = conn.execute("select pg_try_advisory_lock(hashtextextended(%s, 11))", [str(invoice_id)]).fetchone()
    return bool(row and row[0])


def unlock_export(conn: Conn, invoice_id: uuid.UUID) -> None:
    conn.execute("select pg_advisory_unlock(hashtextextended(%s, 11))", [str(invoice_id)])


def start_attempt(conn: Conn, invoice_id: uuid.UUID) -> int:
    """Count one more attempt; returns how many attempts came before it."""
    row = conn.execute(
        "update invoice_exports set attempts = attempts + 1, updated_at = now() where invoice_id = %s "
        "returning attempts - 1",
        [invoice_id],
    ).fetchone()
    assert row is not None
    return int(row[0])


def adopt_account(conn: Conn, invoice_id: uuid.UUID, account_id: str) -> None:
    """A pending export that never reached Stripe follows the merchant to its newly connected account."""
    conn.execute(
        "update invoice_exports set account_id = %s, stripe_customer_id = null, updated_at = now() "
        "where invoice_id = %s and stripe_invoice_id is null",
        [account_id, invoice_id],
    )


def stripe_customer(conn: Conn, merchant_id: uuid.UUID, account_id: str, customer_id: uuid.UUID) -> str | None:
    row = conn.execute(
        "select stripe_customer_id from stripe_customers where merchant_id = %s and account_id = %s "
        "and customer_id = %s",
        [merchant_id, account_id, customer_id],
    ).fetchone()
    return str(row[0]) if row else None


def save_stripe_customer(
    conn: Conn, merchant_id: uuid.UUID, account_id: str, customer_id: uuid.UUID, stripe_customer_id: str
) -> str:
    """Store the mapping; returns the mapped Stripe customer (the first one stored, if two raced)."""
    conn.execute(
        "insert into stripe_customers (merchant_id, customer_id, account_id, stripe_customer_id) "
        "values (%s, %s, %s, %s) on conflict do nothing",
        [merchant_id, customer_id, account_id, stripe_customer_id],
    )
    stored = stripe_customer(conn, merchant_id, account_id, customer_id)
    assert stored is not None
    return stored


def set_export_customer(conn: Conn, invoice_id: uuid.UUID, stripe_customer_id: str) -> None:
    conn.execute(
        "update invoice_exports set stripe_customer_id = %s, updated_at = now() where invoice_id = %s",
        [stripe_customer_id, invoice_id],
    )


def set_stripe_invoice(conn: Conn, invoice_id: uuid.UUID, stripe_invoice_id: str) -> None:
    conn.execute(
        "update invoice_exports set stripe_invoice_id = %s, updated_at = now() where invoice_id = %s",
        [stripe_invoice_id, invoice_id],
    )


def line_exports(conn: Conn, invoice_id: uuid.UUID) -> dict[uuid.UUID, str]:
    rows = conn.execute(
        "select line_id, stripe_invoice_item_id from invoice_line_exports where invoice_id = %s", [invoice_id]
    ).fetchall()
    return {row[0]: row[1] for row in rows}


def save_line_export(conn: Conn, line_id: uuid.UUID, invoice_id: uuid.UUID, stripe_invoice_item_id: str) -> None:
    conn.execute(
        "insert into invoice_line_exports (line_id, invoice_id, stripe_invoice_item_id) values (%s, %s, %s) "
        "on conflict (line_id) do update set stripe_invoice_item_id = excluded.stripe_invoice_item_id",
        [line_id, invoice_id, stripe_invoice_item_id],
    )


def mark_finalized(conn: Conn, invoice_id: uuid.UUID, number: str | None, hosted_invoice_url: str | None) -> None:
    conn.execute(
        "update invoice_exports set stripe_invoice_number = %s, hosted_invoice_url = %s, "
        "stripe_finalized_at = coalesce(stripe_finalized_at, now()), updated_at = now() where invoice_id = %s",
        [number, hosted_invoice_url, invoice_id],
    )


def mark_sent(conn: Conn, invoice_id: uuid.UUID) -> None:
    conn.execute(
        "update invoice_exports set sent_at = coalesce(sent_at, now()), updated_at = now() where invoice_id = %s",
        [invoice_id],
    )


def mark_exported(conn: Conn, invoice_id: uuid.UUID) -> None:
    """Exported, unless the webhook side already moved it on (paid, void, ...)."""
    conn.execute(
        "update invoice_exports set state = case when state = 'pending' then 'exported' else state end, "
        "error_code = null, error_message = null, updated_at = now() where invoice_id = %s",
        [invoice_id],
    )


def mark_failed(conn: Conn, invoice_id: uuid.UUID, code: str | None, message: str) -> None:
    conn.execute(
        "update invoice_exports set state = 'failed', error_code = %s, error_message = %s, updated_at = now() "
        "where invoice_id = %s and state = 'pending'",
        [code, message, invoice_id],
    )


def record_error(conn: Conn, invoice_id: uuid.UUID, code: str | None, message: str) -> None:
    """The last error of a pending export (it stays pending: the next run tries again)."""
    conn.execute(
        "update invoice_exports set error_code = %s, error_message = %s, updated_at = now() "
        "where invoice_id = %s and state = 'pending'",
        [code, message, invoice_id],
    )


def mark_skipped(conn: Conn, invoice_id: uuid.UUID) -> None:
    conn.execute(
        "update invoice_exports set state = 'skipped', updated_at = now() where invoice_id = %s and state = 'pending'",
        [invoice_id],
    )


def retry_failed(conn: Conn, invoice_id: uuid.UUID) -> bool:
    """A failed export back to pending (its error kept until the next attempt); false if it was not failed."""
    return (
        conn.execute(
            "update invoice_exports set state = 'pending', updated_at = now() "
            "where invoice_id = %s and state = 'failed'",
            [invoice_id],
        ).rowcount
        > 0
    )


def invoice_merchant(conn: Conn, invoice_id: uuid.UUID) -> tuple[uuid.UUID, str] | None:
    """The merchant and status of an invoice."""
    row = conn.execute("select merchant_id, status::text from invoices where id = %s", [invoice_id]).fetchone()
    return (row[0], row[1]) if row else None


def exported_invoices(conn: Conn, period: dt.date) -> list[dict[str, Any]]:
    """The period's invoices that are in Stripe, with what BillBo billed: for the reconciliation."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            """
            select e.invoice_id, e.merchant_id, e.stripe_invoice_id, i.currency::text as currency,
                   cur.exponent, i.subtotal_minor,
                   (select count(*) from invoice_lines l where l.invoice_id = i.id) as line_count,
                   array(select l.amount_minor from invoice_lines l where l.invoice_id = i.id) as amounts
            from invoice_exports e
            join invoices i on i.id = e.invoice_id
            join currencies cur on cur.code = i.currency
            where i.period_start = %s and e.stripe_invoice_id is not null
              and e.state not in ('pending', 'failed', 'skipped')
            order by e.merchant_id, i.number
            """,
            [period],
        ).fetchall()


# Webhook events


@dataclass(frozen=True)
class PaymentStateRow:
    """What a webhook reads of an exported invoice before it moves its state (the row is locked)."""

    invoice_id: uuid.UUID
    state: ExportState
    last_event_at: dt.datetime | None


def payment_state_for_update(conn: Conn, merchant_id: uuid.UUID, stripe_invoice_id: str) -> PaymentStateRow | None:
    """The export row of this merchant's Stripe invoice, locked until the transaction ends, so two
    events about one invoice are decided one after the other."""
    with conn.cursor(row_factory=class_row(PaymentStateRow)) as cur:
        return cur.execute(
            """
            select invoice_id, state::text as state, last_event_at from invoice_exports
            where merchant_id = %s and stripe_invoice_id = %s
            for update
            """,
            [merchant_id, stripe_invoice_id],
        ).fetchone()


def record_webhook_event(conn: Conn, merchant_id: uuid.UUID, event_id: str, event_type: str) -> bool:
    """Remember a processed event; False when it was processed before (a replay or a redelivery)."""
    inserted = conn.execute(
        """
        insert into stripe_webhook_events (merchant_id, event_id, type) values (%s, %s, %s)
        on conflict (merchant_id, event_id) do nothing
        """,
        [merchant_id, event_id, event_type],
    )
    return inserted.rowcount == 1


def move_payment_state(
    conn: Conn,
    invoice_id: uuid.UUID,
    *,
    state: ExportState,
    event_at: dt.datetime,
    paid_at: dt.datetime | None,
    number: str | None,
    hosted_invoice_url: str | None,
    finalized_at: dt.datetime | None,
) -> None:
    """Set the state a Stripe event says, and what that event tells of the invoice that is not yet
    known (its number, page and finalisation time, when the export had not recorded them)."""
    conn.execute(
        """
        update invoice_exports set
            state = %s::invoice_export_state,
            last_event_at = %s,
            paid_at = coalesce(%s, paid_at),
            stripe_invoice_number = coalesce(stripe_invoice_number, %s),
            hosted_invoice_url = coalesce(hosted_invoice_url, %s),
            stripe_finalized_at = coalesce(stripe_finalized_at, %s),
            error_code = null,
            error_message = null,
            updated_at = now()
        where invoice_id = %s
        """,
        [state, event_at, paid_at, number, hosted_invoice_url, finalized_at, invoice_id],
    )
