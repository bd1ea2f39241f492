"""Session fixtures: one embedded Postgres and one local ClickHouse server for the whole run.

Both run on free ports in a temporary data directory, so tests never touch a developer's
``.billbo/`` or a running ``billbo up``. Tests isolate themselves by database objects they create
(their own tables, merchants or ClickHouse databases), never by mocking the servers.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from clickhouse_connect.driver.client import Client
from pydantic import SecretStr

from billbo.clickhouse.client import create_client
from billbo.local.stack import DatabaseServers
from billbo.migrations import runner
from billbo.migrations.runner import Databases
from billbo.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server_directory() -> Iterator[Path]:
    """A directory for an embedded server, outside pytest's temporary root: as root, the Postgres
    server runs as the ``postgres`` user and must traverse every parent, and each new pytest
    session on the machine (another suite, a CI run) makes that root private again."""
    path = Path(tempfile.mkdtemp(prefix="billbo-test-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def data_dir() -> Iterator[Path]:
    """The directory of the session's embedded servers."""
    with server_directory() as path:
        yield path


@pytest.fixture
def server_dir() -> Iterator[Path]:
    """A directory for a server this test starts itself."""
    with server_directory() as path:
        yield path


@pytest.fixture(scope="session")
def server_settings(data_dir: Path) -> Settings:
    """Settings of the embedded servers the test session runs (no URLs: embedded defaults)."""
    return Settings(
        env="test",
        data_dir=data_dir,
        local_postgres_port=free_port(),
        local_clickhouse_port=free_port(),
        ingest_port=free_port(),
        dashboard_port=free_port(),
    )


@pytest.fixture(scope="session")
def databases(server_settings: Settings) -> Iterator[Databases]:
    """The embedded Postgres and ClickHouse, started once and migrated."""
    servers = DatabaseServers(server_settings, durable=False)
    urls = servers.start()
    try:
        runner.migrate(server_settings, urls)
        yield urls
    finally:
        servers.stop()


@pytest.fixture(scope="session")
def settings(server_settings: Settings, databases: Databases) -> Settings:
    """Settings pointing at the running test databases by URL, as ``billbo up`` gives services."""
    return server_settings.model_copy(
        update={
            "postgres_url": SecretStr(databases.postgres_url),
            "clickhouse_url": SecretStr(databases.clickhouse_url),
        }
    )


@pytest.fixture
def pg(databases: Databases) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A Postgres connection in a transaction that is rolled back after the test."""
    with psycopg.connect(databases.postgres_url) as conn:
        conn.autocommit = False
        yield conn
        conn.rollback()


@pytest.fixture
def ch(databases: Databases) -> Iterator[Client]:
    client = create_client(databases.clickhouse_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def clickhouse_port(server_settings: Settings, databases: Databases) -> int:
    return server_settings.local_clickhouse_port
