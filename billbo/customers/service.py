"""The rules of customers, shared by the ingest and the dashboard APIs."""

from __future__ import annotations

import uuid
from typing import Any

from billbo import pagination
from billbo.customers import repository
from billbo.customers.schemas import Customer, CustomerIn
from billbo.errors import Conflict, NotFound, Unprocessable
from billbo.postgres.connection import Conn


def upsert(conn: Conn, merchant_id: uuid.UUID, customer_id: uuid.UUID, data: CustomerIn) -> tuple[Customer, bool]:
    """Create or replace a customer in one transaction; returns it and whether it is new."""
    _check_currency(conn, data.currency)
    return repository.upsert(conn, merchant_id, customer_id, data)


def _check_currency(conn: Any, code: str) -> None:
    if not repository.currency_exists(conn, code):
        raise Unprocessable(
            f"Unknown currency {code!r}.",
            details=[{"field": "currency", "message": f"{code} is not an ISO 4217 currency BillBo knows"}],
        )


def create(conn: Conn, merchant_id: uuid.UUID, customer_id: uuid.UUID, data: CustomerIn) -> Customer:
    _check_currency(conn, data.currency)
    if not repository.insert(conn, merchant_id, customer_id, data):
        raise Conflict(f"A customer with id {customer_id} already exists.")
    customer = repository.get(conn, merchant_id, customer_id)
    assert customer is not None
    return customer


def get(conn: Conn, merchant_id: uuid.UUID, customer_id: uuid.UUID) -> Customer:
    customer = repository.get(conn, merchant_id, customer_id)
    if customer is None:
        raise NotFound(f"No customer {customer_id}.")
    return customer


def update(conn: Conn, merchant_id: uuid.UUID, customer_id: uuid.UUID, data: CustomerIn) -> Customer:
    _check_currency(conn, data.currency)
    if not repository.update(conn, merchant_id, customer_id, data):
        raise NotFound(f"No customer {customer_id}.")
    customer = repository.get(conn, merchant_id, customer_id)
    assert customer is not None
    return customer


def archive(conn: Conn, merchant_id: uuid.UUID, customer_id: uuid.UUID) -> Customer:
    if not repository.archive(conn, merchant_id, customer_id):
        raise NotFound(f"No customer {customer_id}.")
    customer = repository.get(conn, merchant_id, customer_id)
    assert customer is not None
    return customer


def page(
    conn: Conn,
    merchant_id: uuid.UUID,
    *,
    search: str | None,
    cursor: str | None,
    limit: int,
    include_archived: bool,
) -> tuple[list[Customer], str | None]:
    """A page of customers and the cursor of the next page (None on the last)."""
    after = pagination.customer_position(cursor) if cursor else None
    rows = repository.page(
        conn, merchant_id, search=search, after=after, limit=limit + 1, include_archived=include_archived
    )
    next_cursor = _encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def _encode_cursor(customer: Customer) -> str:
    return pagination.customer_cursor(customer.id, customer.name)
