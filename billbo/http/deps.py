"""What a route may ask for: the one place that reads ``request.app.state``.

``DbConn`` is the request's Postgres connection and its one transaction: it is committed when the
handler returns, before the response is sent (``scope="function"``), and rolled back when the
handler raises, so an error answer never leaves half a change behind. Every dependency of one
request that asks for ``DbConn`` gets the same connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import psycopg
from fastapi import Depends, Request
from psycopg_pool import ConnectionPool, PoolTimeout

from billbo.clickhouse.client import LazyClient
from billbo.errors import ServiceUnavailable
from billbo.http.resources import Resources
from billbo.settings import Settings

# How long a request waits for a free Postgres connection before it is answered 503.
CONNECTION_WAIT_SECONDS = 5.0


def _resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


AppResources = Annotated[Resources, Depends(_resources)]


def _settings(resources: AppResources) -> Settings:
    return resources.settings


def _pool(resources: AppResources) -> ConnectionPool:
    return resources.postgres


def _clickhouse(resources: AppResources) -> LazyClient:
    return resources.clickhouse


def _db_conn(resources: AppResources) -> Iterator[psycopg.Connection[Any]]:
    pool = resources.postgres
    try:
        conn = pool.getconn(timeout=CONNECTION_WAIT_SECONDS)
    except PoolTimeout as exc:
        raise ServiceUnavailable("The database cannot be reached right now; retry shortly.") from exc
    try:
        with conn:  # commits when the handler returns, rolls back when it raises
            yield conn
    except psycopg.OperationalError as exc:  # the connection broke: nothing of this request is kept
        raise ServiceUnavailable("The database connection was lost; retry shortly.") from exc
    finally:
        pool.putconn(conn)  # a broken connection is replaced by the pool


AppSettings = Annotated[Settings, Depends(_settings)]
ClickHouse = Annotated[LazyClient, Depends(_clickhouse)]
DbConn = Annotated[psycopg.Connection[Any], Depends(_db_conn, scope="function")]
# For work that must commit step by step, apart from the request's transaction (the Stripe export
# commits each Stripe id as Stripe answers): connections of the same pool, one transaction each.
DbPool = Annotated[ConnectionPool, Depends(_pool)]
