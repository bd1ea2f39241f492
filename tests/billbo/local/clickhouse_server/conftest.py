"""Fixtures of the local ClickHouse server's contract tests (the server itself is the session's,
from tests/conftest.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from clickhouse_connect.driver.client import Client


@pytest.fixture
def db(ch: Client) -> Iterator[str]:
    """A database of the test's own, so tests can run in any order."""
    name = f"contract_{uuid.uuid4().hex[:12]}"
    ch.command(f"CREATE DATABASE {name}")
    yield name
    ch.command(f"DROP DATABASE {name} SYNC")


@pytest.fixture
def raw(clickhouse_port: int) -> Iterator[httpx.Client]:
    """A plain HTTP client, for what client libraries cannot send; it asks for no compression
    unless a test does, and keeps one connection, so tests can check that it stays open."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    with httpx.Client(
        base_url=f"http://127.0.0.1:{clickhouse_port}",
        headers={"Accept-Encoding": "identity"},
        limits=limits,
        timeout=60,
    ) as client:
        yield client
