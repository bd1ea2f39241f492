"""clickhouse-connect clients from a ClickHouse URL (``http(s)://user:password@host:port/db``)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import clickhouse_connect
from clickhouse_connect.driver.client import Client


@dataclass(frozen=True)
class ClickHouseLocation:
    host: str
    port: int
    database: str
    username: str
    password: str
    secure: bool

    @classmethod
    def parse(cls, url: str) -> ClickHouseLocation:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "clickhouse", "clickhouses"):
            raise ValueError(f"unsupported ClickHouse URL scheme {parts.scheme!r}: use http or https")
        secure = parts.scheme in ("https", "clickhouses")
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or (8443 if secure else 8123),
            database=parts.path.strip("/") or "default",
            username=unquote(parts.username or "default"),
            password=unquote(parts.password or ""),
            secure=secure,
        )

    def display(self) -> str:
        scheme = "https" if self.secure else "http"
        return f"{scheme}://{self.host}:{self.port}/{self.database}"


def create_client(url: str, *, database: str | None = None, **kwargs: Any) -> Client:
    """A client for ``url``. BillBo's own clients run without a server session, so one client
    can serve many threads and requests are not pinned to one server-side context."""
    where = ClickHouseLocation.parse(url)
    options: dict[str, Any] = {
        "autogenerate_session_id": False,
        "compress": "lz4",
        "connect_timeout": 5,
        "send_receive_timeout": 300,
    }
    options.update(kwargs)
    return clickhouse_connect.get_client(
        host=where.host,
        port=where.port,
        username=where.username,
        password=where.password,
        database=where.database if database is None else database,
        secure=where.secure,
        **options,
    )


class LazyClient:
    """A client made on first use and made again after a failure, so a service starts (and
    recovers) while ClickHouse is unreachable instead of failing at import time."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        self.url = url
        self._kwargs = kwargs
        self._client: Client | None = None
        self._lock = threading.Lock()

    def get(self) -> Client:
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = create_client(self.url, **self._kwargs)
                client = self._client
        return client

    def reset(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def close(self) -> None:
        self.reset()
