"""ClickHouse migrations: dbmate's file format, rendered for one server or for a cluster.

dbmate cannot be used here: the same migration must build ``ReplacingMergeTree`` tables on one
server and ``Replicated*`` tables ``ON CLUSTER`` plus a ``Distributed`` table on a cluster, so the
files are small Jinja templates (see migrations/clickhouse/README.md) rendered before they run.
Versions are recorded in a ``schema_migrations`` table, as dbmate would.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from clickhouse_connect.driver.client import Client

from billbo.clickhouse.sql_lexer import split_statements
from billbo.migrations.files import Migration, list_migrations

_JINJA = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)


@dataclass(frozen=True)
class Topology:
    """Where the schema lives: a database, on one server or on a named cluster."""

    database: str
    cluster: str | None = None

    def table(self, name: str) -> str:
        return f"{self.database}.{name}_local" if self.cluster else f"{self.database}.{name}"

    @property
    def on_cluster(self) -> str:
        return f"ON CLUSTER '{self.cluster}'" if self.cluster else ""

    def engine(self, table: str, kind: str, *args: str, sharded: bool = True) -> str:
        if not self.cluster:
            return f"{kind}({', '.join(args)})"
        shard = "{shard}/" if sharded else ""
        path = f"'/clickhouse/tables/{shard}{self.database}/{table}{'_local' if sharded else ''}'"
        replica = "'{replica}'"
        return f"Replicated{kind}({', '.join([path, replica, *args])})"

    def distributed(self, name: str, sharding_key: str) -> str:
        if not self.cluster:
            return ""
        return (
            f"CREATE TABLE IF NOT EXISTS {self.database}.{name} {self.on_cluster} "
            f"AS {self.database}.{name}_local ENGINE = Distributed('{self.cluster}', "
            f"'{self.database}', '{name}_local', {sharding_key})"
        )

    def render(self, template: str) -> str:
        return _JINJA.from_string(template).render(
            table=self.table,
            on_cluster=self.on_cluster,
            engine=self.engine,
            distributed=self.distributed,
            database=self.database,
        )

    def statements(self, migration: Migration) -> list[str]:
        return split_statements(self.render(migration.up_sql()))


def _ensure_bookkeeping(client: Client, topology: Topology) -> None:
    client.command(f"CREATE DATABASE IF NOT EXISTS {topology.database} {topology.on_cluster}")
    # Unsharded on a cluster: every node sees every applied version.
    client.command(
        f"CREATE TABLE IF NOT EXISTS {topology.database}.schema_migrations {topology.on_cluster} "
        "(version String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) "
        f"ENGINE = {topology.engine('schema_migrations', 'ReplacingMergeTree', sharded=False)} "
        "ORDER BY version"
    )


def applied_versions(client: Client, topology: Topology) -> set[str]:
    exists = client.command(
        "SELECT count() FROM system.tables WHERE database = {db:String} AND name = 'schema_migrations'",
        parameters={"db": topology.database},
    )
    if not exists:
        return set()
    result = client.query(f"SELECT DISTINCT version FROM {topology.database}.schema_migrations")
    return {row[0] for row in result.result_rows}


def pending(client: Client, topology: Topology, directory: Path) -> list[str]:
    done = applied_versions(client, topology)
    return [m.version for m in list_migrations(directory) if m.version not in done]


def migrate(client: Client, topology: Topology, directory: Path) -> list[str]:
    """Apply the pending migrations in order; returns the versions applied."""
    _ensure_bookkeeping(client, topology)
    done = applied_versions(client, topology)
    applied = []
    for migration in list_migrations(directory):
        if migration.version in done:
            continue
        for statement in topology.statements(migration):
            client.command(statement)
        client.insert(f"{topology.database}.schema_migrations", [[migration.version]], column_names=["version"])
        applied.append(migration.version)
    return applied
