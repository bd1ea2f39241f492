"""SQL for API keys."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import class_row, dict_row

_SELECT = """
    select k.id, k.name, k.prefix, u.email as created_by, k.created_at, k.last_used_at, k.revoked_at
    from api_keys k left join users u on u.id = k.created_by
"""


@dataclass(frozen=True, slots=True)
class KeyOwner:
    """What a key's digest resolves to: its merchant and that merchant's ingest rules."""

    key_id: uuid.UUID
    merchant_id: uuid.UUID
    revoked_at: dt.datetime | None
    backdating_window: dt.timedelta


def find_by_digest(conn: psycopg.Connection[Any], key_sha256: bytes) -> KeyOwner | None:
    with conn.cursor(row_factory=class_row(KeyOwner)) as cur:
        return cur.execute(
            """
            select k.id as key_id, k.merchant_id, k.revoked_at, m.backdating_window
            from api_keys k join merchants m on m.id = k.merchant_id
            where k.key_sha256 = %s
            """,
            [key_sha256],
        ).fetchone()


def touch(conn: psycopg.Connection[Any], key_ids: list[uuid.UUID]) -> None:
    """Record that keys were used now (called at most about once a minute per key)."""
    conn.execute("update api_keys set last_used_at = now() where id = any(%s)", [key_ids])


def create(
    conn: psycopg.Connection[Any],
    *,
    merchant_id: uuid.UUID,
    name: str,
    prefix: str,
    key_sha256: bytes,
    created_by: uuid.UUID | None = None,
) -> uuid.UUID:
    row = conn.execute(
        "insert into api_keys (merchant_id, name, prefix, key_sha256, created_by) "
        "values (%s, %s, %s, %s, %s) returning id",
        [merchant_id, name, prefix, key_sha256, created_by],
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def revoke(conn: psycopg.Connection[Any], *, merchant_id: uuid.UUID, key_id: uuid.UUID) -> bool:
    cur = conn.execute(
        "update api_keys set revoked_at = now() where id = %s and merchant_id = %s and revoked_at is null",
        [key_id, merchant_id],
    )
    return cur.rowcount == 1


def list_keys(conn: psycopg.Connection[Any], merchant_id: uuid.UUID) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            _SELECT + " where k.merchant_id = %s order by k.created_at desc, k.id", [merchant_id]
        ).fetchall()


def get_key(conn: psycopg.Connection[Any], merchant_id: uuid.UUID, key_id: uuid.UUID) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(_SELECT + " where k.merchant_id = %s and k.id = %s", [merchant_id, key_id]).fetchone()
