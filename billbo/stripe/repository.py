"""SQL of the Stripe export: merchants' connections, customer mapping, export state, webhook events."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from psycopg.rows import class_row

from billbo.postgres.connection import Conn
from billbo.stripe.schemas import ExportState


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
