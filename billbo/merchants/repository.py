"""SQL for merchants."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import psycopg


def create(
    conn: psycopg.Connection[Any], *, name: str, backdating_window: dt.timedelta = dt.timedelta(days=35)
) -> uuid.UUID:
    row = conn.execute(
        "insert into merchants (name, backdating_window) values (%s, %s) returning id", [name, backdating_window]
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))
