"""A merchant connected to the fake Stripe, with finalised invoices written as invoicing writes
them (lines with their breakdown, adjustments naming their period), for the export's tests."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import psycopg
from pydantic import SecretStr

from billbo.invoices import repository as invoicing
from billbo.merchants import repository as merchants
from billbo.postgres.connection import Conn
from billbo.secrets_box import SecretPurpose, SecretsBox
from billbo.settings import Settings
from billbo.stripe.client import StripeGateway


@dataclass
class World:
    merchant_id: uuid.UUID
    invoices: dict[uuid.UUID, list[tuple[uuid.UUID, int]]] = field(default_factory=dict)  # id -> (line, amount)
    customers: list[uuid.UUID] = field(default_factory=list)


def connector(url: str) -> Callable[[], AbstractContextManager[Conn]]:
    def connect() -> AbstractContextManager[Conn]:
        return psycopg.connect(url)

    return connect


def _line(
    conn: Conn,
    invoice_id: uuid.UUID,
    sku: uuid.UUID,
    version: uuid.UUID,
    period: dt.date,
    quantity: str,
    amount: int,
    *,
    billed_before: str | None = None,
) -> uuid.UUID:
    breakdown = [
        {"tier": 1, "from": "0", "up_to": "100", "quantity": min(Decimal(quantity), Decimal(100)), "unit_price": "0.10",
         "flat_fee": "0", "amount": "10"},
        {"tier": 2, "from": "100", "up_to": None, "quantity": max(Decimal(quantity) - 100, Decimal(0)),
         "unit_price": "0.01", "flat_fee": "1.00", "amount": "1"},
    ]  # fmt: skip
    row = conn.execute(
        """
        insert into invoice_lines (invoice_id, sku_id, usage_period_start, price_version_id, quantity, event_count,
                                   amount_unrounded, amount_minor, billable_quantity, included_quantity,
                                   tier_breakdown, minimum_top_up, billed_before_quantity, billed_before_minor)
        values (%s, %s, %s, %s, %s, 3, %s, %s, %s, 0, %s, 0, %s, %s) returning id
        """,
        [invoice_id, sku, period, version, quantity, Decimal(amount) / 100, amount, quantity,
         json.dumps(breakdown, default=str), billed_before, 500 if billed_before is not None else None],
    ).fetchone()  # fmt: skip
    assert row is not None
    return uuid.UUID(str(row[0]))


def build(
    url: str,
    settings: Settings,
    api_key: str,
    *,
    customers: int = 2,
    period: dt.date = dt.date(2026, 2, 1),
    currency: str = "USD",
    amounts: tuple[int, int] = (1151, 250),
    collection_method: str = "send_invoice",
    account_id: str = "acct_fake",
    zero_invoice: bool = False,
    merchant_id: uuid.UUID | None = None,
    connect: bool = True,
) -> World:
    """One invoice per customer for ``period``, each with a usage line and an adjustment line for
    the month before (plus, with ``zero_invoice``, one more customer billed 0), all finalised."""
    with psycopg.connect(url) as conn:
        merchant = merchant_id or merchants.create(conn, name=f"Export {uuid.uuid4().hex[:6]}")
        conn.execute("update merchants set collection_method = %s where id = %s", [collection_method, merchant])
        world = World(merchant)
        sku = conn.execute(
            "insert into skus (merchant_id, name, unit, currency) values (%s, 'API calls', 'call', %s) returning id",
            [merchant, currency],
        ).fetchone()
        assert sku is not None
        version = conn.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from) "
            "values (%s, %s, 1, 'graduated', '2026-01-01') returning id",
            [merchant, sku[0]],
        ).fetchone()
        assert version is not None
        # Contiguous tiers, as the dashboard writes them (the dbt tiers test reads every version).
        conn.execute(
            "insert into price_tiers (price_version_id, position, up_to, unit_price, flat_fee) "
            "values (%s, 0, 100, 0.1, 0), (%s, 1, null, 0.01, 0)",
            [version[0], version[0]],
        )
        before = (period - dt.timedelta(days=1)).replace(day=1)
        for n in range(customers + (1 if zero_invoice else 0)):
            customer = uuid.uuid4()
            world.customers.append(customer)
            conn.execute(
                "insert into customers (merchant_id, id, name, email, currency) values (%s, %s, %s, %s, %s)",
                [merchant, customer, f"Customer {n}", f"c{n}@example.test", currency],
            )
            row = conn.execute(
                "insert into invoices (merchant_id, customer_id, currency, period_start) values (%s, %s, %s, %s) "
                "returning id",
                [merchant, customer, currency, period],
            ).fetchone()
            assert row is not None
            invoice = uuid.UUID(str(row[0]))
            if n < customers:
                usage, adjustment = amounts[0] + n * 10, amounts[1]
                lines = [
                    (_line(conn, invoice, sku[0], version[0], period, "160.5", usage), usage),
                    (
                        _line(conn, invoice, sku[0], version[0], before, "25", adjustment, billed_before="50"),
                        adjustment,
                    ),
                ]
            else:
                lines = [(_line(conn, invoice, sku[0], version[0], period, "0", 0), 0)]
            conn.execute("update invoices set subtotal_minor = %s where id = %s", [sum(a for _, a in lines), invoice])
            invoicing.finalize(conn, [invoice])
            world.invoices[invoice] = lines
        if not connect:
            return world
        box = SecretsBox.from_settings(settings)
        conn.execute(
            "insert into stripe_connections (merchant_id, secret_key_sealed, webhook_secret_sealed, account_id, "
            "key_last4, livemode) values (%s, %s, %s, %s, %s, false)",
            [
                merchant,
                box.seal(api_key, merchant_id=merchant, purpose=SecretPurpose.STRIPE_SECRET_KEY),
                box.seal("whsec_test0000", merchant_id=merchant, purpose=SecretPurpose.STRIPE_WEBHOOK_SECRET),
                account_id,
                api_key[-4:],
            ],
        )
    return world


def exports(url: str, world: World) -> dict[uuid.UUID, dict[str, Any]]:
    with psycopg.connect(url) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        rows = cur.execute(
            "select invoice_id, state::text as state, stripe_invoice_id, stripe_invoice_number, hosted_invoice_url, "
            "error_code, error_message, attempts, stripe_customer_id from invoice_exports where merchant_id = %s",
            [world.merchant_id],
        ).fetchall()
    return {row["invoice_id"]: row for row in rows}


@contextmanager
def stripe_view(fake_url: str, api_key: str) -> Iterator[StripeGateway]:
    with StripeGateway(SecretStr(api_key), api_base=fake_url, max_network_retries=0) as gateway:
        yield gateway


def stripe_invoices_of(gateway: StripeGateway, url: str, world: World) -> dict[str, list[dict[str, Any]]]:
    """Every Stripe invoice of the world's mapped customers, by billbo_invoice_id, with its lines."""
    with psycopg.connect(url) as conn:
        customers = [r[0] for r in conn.execute(
            "select stripe_customer_id from stripe_customers where merchant_id = %s", [world.merchant_id]
        )]  # fmt: skip
    found: dict[str, list[dict[str, Any]]] = {}
    for customer in customers:
        for invoice in gateway.list_invoices(customer):
            lines = gateway.list_invoice_lines(invoice.id)
            found.setdefault(invoice.metadata.get("billbo_invoice_id", ""), []).append(
                {"invoice": invoice, "lines": sorted((line.metadata["billbo_line_id"], line.amount) for line in lines)}
            )
    return found
