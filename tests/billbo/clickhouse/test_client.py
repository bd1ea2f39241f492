from __future__ import annotations

import threading

import pytest

from billbo.clickhouse.client import ClickHouseLocation, LazyClient, create_client
from billbo.migrations.runner import Databases


def test_location_from_url() -> None:
    where = ClickHouseLocation.parse("https://ana:p%40ss@ch.example.com/billing")
    assert (where.host, where.port, where.database, where.username, where.password, where.secure) == (
        "ch.example.com",
        8443,
        "billing",
        "ana",
        "p@ss",
        True,
    )
    assert ClickHouseLocation.parse("http://localhost").port == 8123
    assert ClickHouseLocation.parse("http://localhost").database == "default"
    assert ClickHouseLocation.parse("http://u:secret@h:9000/db").display() == "http://h:9000/db"
    with pytest.raises(ValueError, match="scheme"):
        ClickHouseLocation.parse("tcp://localhost:9000")


def test_one_billbo_client_serves_many_threads(databases: Databases) -> None:
    """BillBo's clients run without a server session, so threads can share one."""
    client = create_client(databases.clickhouse_url)
    assert client.get_client_setting("session_id") is None
    results: list[int] = []

    def work(n: int) -> None:
        results.append(int(str(client.command(f"SELECT {n} + sleepEachRow(0.2)"))))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1, 2, 3]
    client.close()


def test_lazy_client_connects_on_first_use_and_again_after_reset(databases: Databases) -> None:
    lazy = LazyClient("http://127.0.0.1:1/billbo", connect_timeout=1)  # nothing listens on port 1
    with pytest.raises(Exception):  # noqa: B017 - whatever the transport raises
        lazy.get()
    lazy.url = databases.clickhouse_url
    assert lazy.get().command("SELECT 1") == 1
    first = lazy.get()
    lazy.reset()
    assert lazy.get() is not first
    lazy.close()
