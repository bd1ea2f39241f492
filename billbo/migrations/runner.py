"""Migrate both databases, and tell which migrations are still pending."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from billbo import dbt
from billbo.clickhouse.client import ClickHouseLocation, create_client
from billbo.migrations import clickhouse as ch_migrations
from billbo.migrations import postgres as pg_migrations
from billbo.settings import Settings


@dataclass(frozen=True)
class Databases:
    """The URLs in use: the configured ones, or those of the embedded servers."""

    postgres_url: str
    clickhouse_url: str


def clickhouse_topology(settings: Settings, clickhouse_url: str) -> ch_migrations.Topology:
    location = ClickHouseLocation.parse(clickhouse_url)
    return ch_migrations.Topology(database=location.database, cluster=settings.clickhouse_cluster)


def migrate(settings: Settings, databases: Databases) -> dict[str, list[str]]:
    """Apply pending migrations to Postgres, then ClickHouse; returns what was applied."""
    with psycopg.connect(databases.postgres_url, connect_timeout=10) as conn:
        before = pg_migrations.pending(conn, settings.migrations_dir / "postgres")
    pg_migrations.migrate(databases.postgres_url, settings.migrations_dir / "postgres")
    if not dbt.deploy_views(databases.postgres_url):
        raise RuntimeError("deploying the dbt views failed (see dbt's output above)")
    client = create_client(databases.clickhouse_url, database="default")
    try:
        applied_ch = ch_migrations.migrate(
            client,
            clickhouse_topology(settings, databases.clickhouse_url),
            settings.migrations_dir / "clickhouse",
        )
    finally:
        client.close()
    return {"postgres": before, "clickhouse": applied_ch}


def pending(settings: Settings, databases: Databases) -> dict[str, list[str]]:
    client = create_client(databases.clickhouse_url, database="default")
    try:
        with psycopg.connect(databases.postgres_url, connect_timeout=10) as conn:
            pg_pending = pg_migrations.pending(conn, settings.migrations_dir / "postgres")
        return {
            "postgres": pg_pending,
            "clickhouse": ch_migrations.pending(
                client,
                clickhouse_topology(settings, databases.clickhouse_url),
                settings.migrations_dir / "clickhouse",
            ),
        }
    finally:
        client.close()
