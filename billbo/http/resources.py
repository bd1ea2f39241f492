"""What a request handler may use, built once per process in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg_pool import ConnectionPool

from billbo.clickhouse.client import LazyClient
from billbo.postgres.connection import create_pool
from billbo.settings import Settings


@dataclass
class Resources:
    """What a request handler may use; built once per process in the app's lifespan."""

    settings: Settings
    postgres: ConnectionPool
    clickhouse: LazyClient

    def close(self) -> None:
        self.clickhouse.close()
        self.postgres.close()


def open_resources(settings: Settings) -> Resources:
    """The databases are those of the settings: ``billbo up`` passes their URLs to its services, and
    a process started by hand resolves them in its entry point (``python -m ingest``)."""
    if settings.postgres_url is None or settings.clickhouse_url is None:
        raise RuntimeError("the services need BILLBO_POSTGRES_URL and BILLBO_CLICKHOUSE_URL")
    pool = create_pool(settings.postgres_url.get_secret_value())
    pool.open(wait=False)
    return Resources(
        settings=settings, postgres=pool, clickhouse=LazyClient(settings.clickhouse_url.get_secret_value())
    )
