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


def get(conn: psycopg.Connection[Any], merchant_id: uuid.UUID, customer_id: uuid.UUID) -> Customer | None:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            f"select {_COLUMNS} from customers where merchant_id = %s and id = %s", [merchant_id, customer_id]
        ).fetchone()
    return Customer.model_validate(row) if row else None


def insert(conn: psycopg.Connection[Any], merchant_id: uuid.UUID, customer_id: uuid.UUID, data: CustomerIn) -> bool:
    """Create a customer; False if the id is already taken for this merchant."""
    cur = conn.execute(
        "insert into customers (merchant_id, id, name, email, currency, metadata) values (%s, %s, %s, %s, %s, %s) "
        "on conflict (merchant_id, id) do nothing",
        [merchant_id, customer_id, data.name, data.email, data.currency, Jsonb(data.metadata)],
    )
    return cur.rowcount == 1


def update(conn: psycopg.Connection[Any], merchant_id: uuid.UUID, customer_id: uuid.UUID, data: CustomerIn) -> bool:
    cur = conn.execute(
        "update customers set name = %s, email = %s, currency = %s, metadata = %s, updated_at = now() "
        "where merchant_id = %s and id = %s",
        [data.name, data.email, data.currency, Jsonb(data.metadata), merchant_id, customer_id],
    )
    return cur.rowcount == 1


def archive(conn: psycopg.Connection[Any], merchant_id: uuid.UUID, customer_id: uuid.UUID) -> bool:
    cur = conn.execute(
        "update customers set archived_at = coalesce(archived_at, now()), updated_at = now() "
        "where merchant_id = %s and id = %s",
        [merchant_id, customer_id],
    )
    return cur.rowcount == 1


def page(
    conn: psycopg.Connection[Any],
    merchant_id: uuid.UUID,
    *,
    search: str | None,
    after: tuple[str, uuid.UUID] | None,
    limit: int,
    include_archived: bool,
) -> list[Customer]:
    """Customers ordered by (lower(name), id), the page after ``after``: keyset pagination."""
    clauses = ["merchant_id = %(merchant)s"]
    params: dict[str, Any] = {"merchant": merchant_id, "limit": limit}
    if search:
        clauses.append("(name ilike %(like)s or email ilike %(like)s or id::text = %(exact)s)")
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.update(like=f"%{escaped}%", exact=search.lower())
    if after is not None:
        clauses.append("(lower(name), id) > (%(after_name)s, %(after_id)s)")
        params.update(after_name=after[0], after_id=after[1])
    if not include_archived:
        clauses.append("archived_at is null")
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            f"select {_COLUMNS} from customers where {' and '.join(clauses)} order by lower(name), id limit %(limit)s",
            params,
        ).fetchall()
    return [Customer.model_validate(row) for row in rows]


def ids(conn: psycopg.Connection[Any], merchant_id: uuid.UUID) -> set[str]:
    """The ids (as text) of every customer the merchant has, archived ones included."""
    return {str(row[0]) for row in conn.execute("select id from customers where merchant_id = %s", [merchant_id])}
