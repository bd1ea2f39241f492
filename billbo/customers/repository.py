"""SQL for customers."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from billbo.customers.schemas import Customer, CustomerIn

_COLUMNS = "id, name, email, currency, metadata, created_at, updated_at, archived_at"


def upsert(
    conn: psycopg.Connection[Any], merchant_id: uuid.UUID, customer_id: uuid.UUID, data: CustomerIn
) -> tuple[Customer, bool]:
    """Create or replace a customer; returns it and whether it was created."""
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            f"""
            insert into customers (merchant_id, id, name, email, currency, metadata)
            values (%(merchant)s, %(id)s, %(name)s, %(email)s, %(currency)s, %(metadata)s)
            on conflict (merchant_id, id) do update set
                name = excluded.name, email = excluded.email, currency = excluded.currency,
                metadata = excluded.metadata, updated_at = now()
            returning {_COLUMNS}, (xmax = 0) as created
            """,
            {
                "merchant": merchant_id,
                "id": customer_id,
                "name": data.name,
                "email": data.email,
                "currency": data.currency,
                "metadata": Jsonb(data.metadata),
            },
        ).fetchone()
    assert row is not None
    created = bool(row.pop("created"))
    return Customer.model_validate(row), created


def currency_exists(conn: psycopg.Connection[Any], code: str) -> bool:
    return conn.execute("select 1 from currencies where code = %s", [code]).fetchone() is not None
