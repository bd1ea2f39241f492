"""The external systems Dagster assets use, as configurable resources.

Tests and ``billbo up`` configure them with the URLs BillBo runs with (embedded or real servers);
no asset builds a connection string itself.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
import psycopg
from clickhouse_connect.driver.client import Client

from billbo.clickhouse.client import create_client


class ClickHouseResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    url: str

    def client(self) -> Client:
        return create_client(self.url)


class PostgresResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    url: str

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url)
