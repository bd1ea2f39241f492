"""Records the dbt tests start from, written straight into Postgres as the dashboard API would."""

from __future__ import annotations

import uuid
from typing import Any


def merchant_with_sku(conn: Any, name: str, currency: str = "USD") -> tuple[uuid.UUID, uuid.UUID]:
    """A new merchant with one SKU (no price yet): their ids."""
    merchant = uuid.uuid4()
    conn.execute("insert into merchants (id, name) values (%s, %s)", [merchant, name])
    sku = conn.execute(
        "insert into skus (merchant_id, name, unit, currency) values (%s, 'units', 'unit', %s) returning id",
        [merchant, currency],
    ).fetchone()[0]
    return merchant, sku
