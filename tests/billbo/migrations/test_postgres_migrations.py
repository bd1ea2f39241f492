"""The Postgres schema: its rules hold in the database itself."""

from __future__ import annotations

import hashlib
from typing import Any

import psycopg
import pytest

from billbo.migrations import postgres as pg_migrations
from billbo.migrations.files import list_migrations
from billbo.migrations.runner import Databases
from billbo.settings import Settings

Conn = psycopg.Connection[Any]


def _merchant(pg: Conn) -> Any:
    return pg.execute("insert into merchants (name) values ('Acme') returning id").fetchone()[0]  # type: ignore[index]


def _sku(pg: Conn, merchant: Any, currency: str = "USD") -> Any:
    return pg.execute(
        "insert into skus (merchant_id, name, unit, currency) values (%s, 'API calls', 'call', %s) returning id",
        [merchant, currency],
    ).fetchone()[0]  # type: ignore[index]


def test_every_migration_is_applied(databases: Databases, settings: Settings) -> None:
    with psycopg.connect(databases.postgres_url) as conn:
        assert pg_migrations.pending(conn, settings.migrations_dir / "postgres") == []
        applied = pg_migrations.applied_versions(conn)
    assert applied == {m.version for m in list_migrations(settings.migrations_dir / "postgres")}


def test_dbmate_is_idempotent(databases: Databases, settings: Settings) -> None:
    pg_migrations.migrate(databases.postgres_url, settings.migrations_dir / "postgres")
    with psycopg.connect(databases.postgres_url) as conn:
        assert pg_migrations.pending(conn, settings.migrations_dir / "postgres") == []


def test_currencies_know_their_minor_units(pg: Conn) -> None:
    rows = dict(pg.execute("select code, exponent from currencies where code in ('USD', 'JPY', 'KWD')").fetchall())
    assert rows == {"USD": 2, "JPY": 0, "KWD": 3}


def test_api_keys_store_only_a_sha256(pg: Conn) -> None:
    merchant = _merchant(pg)
    digest = hashlib.sha256(b"bb_secret").digest()
    pg.execute(
        "insert into api_keys (merchant_id, name, prefix, key_sha256) values (%s, 'prod', 'bb_abcd', %s)",
        [merchant, digest],
    )
    columns = {
        r[0] for r in pg.execute("select column_name from information_schema.columns where table_name = 'api_keys'")
    }
    assert not columns & {"key", "secret", "token"}
    with pytest.raises(psycopg.errors.CheckViolation):
        pg.execute(
            "insert into api_keys (merchant_id, name, prefix, key_sha256) values (%s, 'bad', 'bb_x', 'short')",
            [merchant],
        )


def test_emails_are_unique_seats_have_roles(pg: Conn) -> None:
    merchant = _merchant(pg)
    pg.execute("insert into users (merchant_id, email, role) values (%s, 'ana@acme.test', 'owner')", [merchant])
    with pytest.raises(psycopg.errors.InvalidTextRepresentation):
        pg.execute(
            "insert into users (merchant_id, email, role) values (%s, 'bo@acme.test', 'superuser')",
            [merchant],
        )


def test_duplicate_email_is_rejected(pg: Conn) -> None:
    merchant = _merchant(pg)
    pg.execute("insert into users (merchant_id, email, role) values (%s, 'ana@acme.test', 'owner')", [merchant])
    with pytest.raises(psycopg.errors.UniqueViolation):
        pg.execute("insert into users (merchant_id, email, role) values (%s, 'ana@acme.test', 'admin')", [merchant])


def test_customers_are_keyed_per_merchant(pg: Conn) -> None:
    a, b = _merchant(pg), _merchant(pg)
    same_id = "0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6a"
    for merchant in (a, b):
        pg.execute(
            "insert into customers (merchant_id, id, name, currency) values (%s, %s, 'Globex', 'EUR')",
            [merchant, same_id],
        )
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        pg.execute(
            "insert into customers (merchant_id, id, name, currency) values (%s, gen_random_uuid(), 'X', 'XXX')",
            [a],
        )


def test_price_versions_are_numbered_per_sku_and_exact(pg: Conn) -> None:
    merchant = _merchant(pg)
    sku = _sku(pg, merchant)
    version = pg.execute(
        "insert into price_versions (merchant_id, sku_id, version, model, effective_from, unit_price) "
        "values (%s, %s, 1, 'per_unit', '2026-11-01', 0.000000000123456789) returning unit_price",
        [merchant, sku],
    ).fetchone()
    assert str(version[0]) == "1.23456789E-10"  # type: ignore[index]
    with pytest.raises(psycopg.errors.UniqueViolation):
        pg.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from, unit_price) "
            "values (%s, %s, 1, 'per_unit', '2026-12-01', 1)",
            [merchant, sku],
        )


def test_a_locked_price_version_never_changes(pg: Conn) -> None:
    merchant = _merchant(pg)
    sku = _sku(pg, merchant)
    version_id = pg.execute(
        "insert into price_versions (merchant_id, sku_id, version, model, effective_from) "
        "values (%s, %s, 1, 'graduated', '2026-11-01') returning id",
        [merchant, sku],
    ).fetchone()[0]  # type: ignore[index]
    pg.execute(
        "insert into price_tiers (price_version_id, position, up_to, unit_price) values (%s, 0, 1000, 0.01)",
        [version_id],
    )
    pg.execute("update price_tiers set unit_price = 0.02 where price_version_id = %s", [version_id])  # not locked yet
    pg.execute("update price_versions set locked_at = now() where id = %s", [version_id])
    for statement in (
        "update price_versions set minimum_charge = 5 where id = %s",
        "delete from price_versions where id = %s",
        "update price_tiers set unit_price = 0.03 where price_version_id = %s",
        "delete from price_tiers where price_version_id = %s",
        "insert into price_tiers (price_version_id, position, unit_price) values (%s, 1, 0.001)",
    ):
        pg.execute("savepoint attempt")
        with pytest.raises(psycopg.errors.CheckViolation, match="locked"):
            pg.execute(statement, [version_id])
        pg.execute("rollback to savepoint attempt")
    tiers = pg.execute("select unit_price from price_tiers where price_version_id = %s", [version_id]).fetchall()
    assert [str(t[0]) for t in tiers] == ["0.02"]


def test_package_prices_need_size_and_price(pg: Conn) -> None:
    merchant = _merchant(pg)
    sku = _sku(pg, merchant)
    with pytest.raises(psycopg.errors.CheckViolation):
        pg.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from, package_size) "
            "values (%s, %s, 1, 'package', '2026-11-01', 100)",
            [merchant, sku],
        )
