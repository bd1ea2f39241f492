"""Connections to Postgres (psycopg 3)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

Conn = psycopg.Connection[Any]
"""A Postgres connection: what services and repositories are given (the caller owns its transaction)."""


def connect(url: str, **kwargs: Any) -> Conn:
    return psycopg.connect(url, **kwargs)


def create_pool(url: str, *, min_size: int = 1, max_size: int = 10, name: str = "billbo") -> ConnectionPool:
    """A pool opened lazily; the caller closes it (the APIs do so in their lifespan)."""
    return ConnectionPool(url, min_size=min_size, max_size=max_size, name=name, open=False)
