"""The ClickHouse schema: the events table deduplicates, sums exactly, and has a cluster form."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client

from billbo.clickhouse.client import create_client
from billbo.migrations import clickhouse as ch_migrations
from billbo.migrations.files import list_migrations
from billbo.migrations.runner import Databases
from billbo.settings import Settings

EVENT_COLUMNS = ["merchant_id", "event_id", "customer_id", "sku_id", "amount", "sent_at", "ingested_at"]


@pytest.fixture
def scratch_db(databases: Databases, settings: Settings) -> Iterator[tuple[Client, str]]:
    """A fresh database migrated from zero, so tests may write events freely."""
    name = f"mig_{uuid.uuid4().hex[:10]}"
    client = create_client(databases.clickhouse_url, database="default")
    applied = ch_migrations.migrate(client, ch_migrations.Topology(name), settings.migrations_dir / "clickhouse")
    assert applied == [m.version for m in list_migrations(settings.migrations_dir / "clickhouse")]
    yield client, name
    client.command(f"DROP DATABASE {name} SYNC")
    client.close()


def _event(merchant: uuid.UUID, event_id: str, amount: str, sent_at: str, ingested_at: str) -> list[object]:
    import datetime as dt

    return [
        merchant,
        event_id,
        uuid.UUID(int=1),
        uuid.UUID(int=2),
        Decimal(amount),
        dt.datetime.fromisoformat(sent_at),
        dt.datetime.fromisoformat(ingested_at),
    ]


def test_migrating_again_applies_nothing(scratch_db: tuple[Client, str], settings: Settings) -> None:
    client, name = scratch_db
    topology = ch_migrations.Topology(name)
    assert ch_migrations.migrate(client, topology, settings.migrations_dir / "clickhouse") == []
    assert ch_migrations.pending(client, topology, settings.migrations_dir / "clickhouse") == []


def test_events_deduplicate_on_merchant_and_event_id_keeping_the_first_copy(
    scratch_db: tuple[Client, str],
) -> None:
    client, name = scratch_db
    merchant, other = uuid.uuid4(), uuid.uuid4()
    first = _event(merchant, "evt-1", "1.5", "2026-11-01T10:00:00+00:00", "2026-11-01T10:00:01+00:00")
    # A retry of evt-1 stored later, with a different timestamp and amount: not counted again.
    retry = _event(merchant, "evt-1", "9.0", "2026-11-01T10:00:02+00:00", "2026-11-01T10:05:00+00:00")
    # The same event id from another merchant is another event.
    foreign = _event(other, "evt-1", "2.0", "2026-11-01T10:00:00+00:00", "2026-11-01T10:00:01+00:00")
    for batch in ([first], [retry], [retry], [foreign]):  # separate inserts: separate parts
        client.insert(f"{name}.events", batch, column_names=EVENT_COLUMNS)
    assert client.command(f"SELECT count() FROM {name}.events") == 4  # stored as sent
    rows = client.query(
        f"SELECT merchant_id, event_id, amount FROM {name}.events FINAL ORDER BY merchant_id = {{m:UUID}} DESC",
        parameters={"m": merchant},
    ).result_rows
    assert rows == [(merchant, "evt-1", Decimal("1.5")), (other, "evt-1", Decimal("2"))]
    client.command(f"OPTIMIZE TABLE {name}.events FINAL")  # merges keep the first copy too
    assert client.command(f"SELECT count() FROM {name}.events") == 2
    total = client.query(
        f"SELECT sum(amount) FROM {name}.events WHERE merchant_id = {{m:UUID}}", parameters={"m": merchant}
    ).result_rows[0][0]
    assert total == Decimal("1.5")


def test_decimal_amounts_sum_exactly_whatever_the_order(scratch_db: tuple[Client, str]) -> None:
    client, name = scratch_db
    merchant = uuid.uuid4()
    amounts = ["0.1", "0.2", "0.3", "1e-12", "123456789.000000000001"] * 2000
    rows = [
        _event(merchant, f"e{i}", a, "2026-11-02T00:00:00+00:00", "2026-11-02T00:00:00+00:00")
        for i, a in enumerate(amounts)
    ]
    for start in range(0, len(rows), 1000):
        client.insert(f"{name}.events", rows[start : start + 1000], column_names=EVENT_COLUMNS)
    expected = sum((Decimal(a) for a in amounts), Decimal(0))
    sums = {
        client.query(f"SELECT sum(amount) FROM {name}.events SETTINGS max_threads = {threads}").result_rows[0][0]
        for threads in (1, 2, 4, 1, 2, 4)
    }
    assert sums == {expected}


def test_events_are_partitioned_by_month(scratch_db: tuple[Client, str]) -> None:
    client, name = scratch_db
    create = str(client.command(f"SHOW CREATE TABLE {name}.events"))
    assert "PARTITION BY toYYYYMM(sent_at)" in create
    assert "ORDER BY (merchant_id, event_id)" in create
    assert "ReplacingMergeTree(first_stored)" in create


def test_cluster_variant_renders_replicated_tables_and_a_distributed_table(settings: Settings) -> None:
    topology = ch_migrations.Topology("billbo", cluster="prod")
    (events,) = list_migrations(settings.migrations_dir / "clickhouse")[:1]
    statements = topology.statements(events)
    assert len(statements) == 2
    local, distributed = statements
    assert "CREATE TABLE IF NOT EXISTS billbo.events_local ON CLUSTER 'prod'" in local
    assert (
        "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/billbo/events_local', "
        "'{replica}', first_stored)" in local
    )
    assert distributed.endswith(
        "CREATE TABLE IF NOT EXISTS billbo.events ON CLUSTER 'prod' AS billbo.events_local "
        "ENGINE = Distributed('prod', 'billbo', 'events_local', cityHash64(merchant_id, event_id))"
    )


def test_cluster_ddl_is_valid_clickhouse_sql(settings: Settings, ch: Client) -> None:
    """No cluster runs here, but ClickHouse's own parser must accept every cluster statement."""
    topology = ch_migrations.Topology("billbo", cluster="prod")
    for migration in list_migrations(settings.migrations_dir / "clickhouse"):
        for statement in topology.statements(migration):
            ast = str(ch.command(f"EXPLAIN AST {statement}"))
            assert "CreateQuery" in ast or "AlterQuery" in ast, statement
            assert "ON CLUSTER" not in statement or "prod" in statement


def test_single_server_statements_are_what_ran(settings: Settings) -> None:
    topology = ch_migrations.Topology("billbo")
    for migration in list_migrations(settings.migrations_dir / "clickhouse"):
        for statement in topology.statements(migration):
            assert "{{" not in statement and "ON CLUSTER" not in statement and "Replicated" not in statement


def test_migration_files_need_an_up_section(tmp_path: Path) -> None:
    (tmp_path / "20260101000000_broken.sql").write_text("CREATE TABLE x (a UInt8) ENGINE = Memory;")
    (migration,) = list_migrations(tmp_path)
    with pytest.raises(ValueError, match="migrate:up"):
        migration.up_sql()
    (tmp_path / "not_a_migration.sql").write_text("-- migrate:up\n")
    with pytest.raises(ValueError, match="not named"):
        list_migrations(tmp_path)
