"""SQL for listing API keys (creating and revoking them is billbo.api_keys.repository)."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg.rows import dict_row

_SELECT = """
    select k.id, k.name, k.prefix, u.email as created_by, k.created_at, k.last_used_at, k.revoked_at
    from api_keys k left join users u on u.id = k.created_by
"""


def list_keys(conn: psycopg.Connection[Any], merchant_id: uuid.UUID) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            _SELECT + " where k.merchant_id = %s order by k.created_at desc, k.id", [merchant_id]
        ).fetchall()


def get_key(conn: psycopg.Connection[Any], merchant_id: uuid.UUID, key_id: uuid.UUID) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(_SELECT + " where k.merchant_id = %s and k.id = %s", [merchant_id, key_id]).fetchone()
