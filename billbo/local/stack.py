"""The databases BillBo uses: the configured servers, or its own embedded ones."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pydantic import SecretStr

from billbo.local.clickhouse import EmbeddedClickHouse
from billbo.local.postgres import EmbeddedPostgres
from billbo.local.run_lock import RunLock
from billbo.migrations.runner import Databases
from billbo.settings import Settings


def embedded_postgres(settings: Settings, *, durable: bool = True) -> EmbeddedPostgres:
    return EmbeddedPostgres(
        root=settings.data_path / "postgres",
        port=settings.local_postgres_port,
        password_file=settings.data_path / "secrets" / "postgres_password",
        bin_dir=settings.postgres_bin_dir,
        durable=durable,
    )


def embedded_clickhouse(settings: Settings) -> EmbeddedClickHouse:
    return EmbeddedClickHouse(
        root=settings.data_path / "clickhouse", port=settings.local_clickhouse_port, host="127.0.0.1"
    )


def database_urls(settings: Settings) -> Databases:
    """Where the databases are: the configured URLs, else the embedded servers' addresses."""
    return Databases(
        postgres_url=settings.postgres_url.get_secret_value()
        if settings.postgres_url
        else embedded_postgres(settings).url,
        clickhouse_url=settings.clickhouse_url.get_secret_value()
        if settings.clickhouse_url
        else embedded_clickhouse(settings).url,
    )


def with_database_urls(settings: Settings) -> Settings:
    """``settings`` with both database URLs set, those of the embedded servers where none is
    configured: what the entry point of a service started by hand (``python -m ingest``) runs
    with. ``billbo up`` passes the URLs to its services itself."""
    if not (settings.embedded_postgres or settings.embedded_clickhouse):
        return settings
    urls = database_urls(settings)
    return settings.model_copy(
        update={"postgres_url": SecretStr(urls.postgres_url), "clickhouse_url": SecretStr(urls.clickhouse_url)}
    )


@dataclass
class DatabaseServers:
    """Starts the embedded servers that the settings call for, and stops them again."""

    settings: Settings
    durable: bool = True
    postgres: EmbeddedPostgres | None = field(default=None, init=False)
    clickhouse: EmbeddedClickHouse | None = field(default=None, init=False)

    def start(self) -> Databases:
        try:
            if self.settings.embedded_postgres:
                self.postgres = embedded_postgres(self.settings, durable=self.durable)
                self.postgres.start()
            if self.settings.embedded_clickhouse:
                self.clickhouse = embedded_clickhouse(self.settings)
                self.clickhouse.start()
        except BaseException:
            self.stop()
            raise
        return database_urls(self.settings)

    def stop(self) -> None:
        for server in (self.clickhouse, self.postgres):
            if server is not None:
                server.stop()

    def __enter__(self) -> Databases:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def databases_for_a_command(settings: Settings) -> Iterator[Databases]:
    """The databases a one-off command (``billbo migrate``, ``rate``, ``invoices close``) uses:
    those of the running ``billbo up``, or the configured servers, or else the embedded servers,
    started for the command and stopped after it (holding ``billbo up``'s lock meanwhile, so the
    two never run the same data directory at once)."""
    lock = RunLock(settings.data_path)
    if not (settings.embedded_postgres or settings.embedded_clickhouse) or lock.held_elsewhere():
        yield database_urls(settings)
        return
    lock.acquire()
    servers = DatabaseServers(settings)
    try:
        yield servers.start()
    finally:
        servers.stop()
        lock.release()
