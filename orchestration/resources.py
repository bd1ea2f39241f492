"""The external systems Dagster assets use, as configurable resources.

Tests and ``billbo up`` configure them with the URLs BillBo runs with (embedded or real servers);
no asset builds a connection string itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg
import psycopg
from clickhouse_connect.driver.client import Client

from billbo.clickhouse.client import create_client
from billbo.settings import Settings


class ClickHouseResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    url: str

    def client(self) -> Client:
        return create_client(self.url)


class PostgresResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    url: str

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url)


class StripeResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Where Stripe is (a local fake in tests) and how hard to retry; merchants' keys come sealed
    from Postgres, opened with ``BILLBO_SECRETS_KEY`` (or the data directory's key in development)."""

    data_dir: str
    api_base: str = "https://api.stripe.com"
    max_network_retries: int = 3
    timeout_seconds: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> StripeResource:
        return cls(
            data_dir=str(settings.data_dir),
            api_base=settings.stripe_api_base,
            max_network_retries=settings.stripe_max_network_retries,
            timeout_seconds=settings.stripe_timeout_seconds,
        )

    def settings(self) -> Settings:
        return Settings(
            data_dir=Path(self.data_dir),
            stripe_api_base=self.api_base,
            stripe_max_network_retries=self.max_network_retries,
            stripe_timeout_seconds=self.timeout_seconds,
        )
