"""SQL of the Stripe export: merchants' connections, customer mapping, export state, webhook events."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from psycopg.rows import class_row

from billbo.postgres.connection import Conn


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
