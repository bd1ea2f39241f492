"""The rules of customers, shared by the ingest and the dashboard APIs."""

from __future__ import annotations

import uuid

from psycopg_pool import ConnectionPool

from billbo.customers import repository
from billbo.customers.schemas import Customer, CustomerIn
from billbo.errors import Unprocessable


def upsert(
    pool: ConnectionPool, merchant_id: uuid.UUID, customer_id: uuid.UUID, data: CustomerIn
) -> tuple[Customer, bool]:
    """Create or replace a customer in one transaction; returns it and whether it is new."""
    with pool.connection() as conn, conn.transaction():
        if not repository.currency_exists(conn, data.currency):
            raise Unprocessable(
                f"Unknown currency {data.currency!r}.",
                details=[{"field": "currency", "message": f"{data.currency} is not an ISO 4217 currency BillBo knows"}],
            )
        return repository.upsert(conn, merchant_id, customer_id, data)
