"""Contract tests of the local ClickHouse server, through clickhouse-connect as BillBo uses it.

Each test works in a database of its own, so they can run in any order.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from decimal import Decimal
from email.message import Message
from typing import Any

import clickhouse_connect
import httpx
import pandas as pd
import pyarrow as pa
import pytest
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError

ROWS = 100_000


@pytest.fixture
def client(clickhouse_port: int, db: str) -> Iterator[Client]:
    """A stock clickhouse-connect client with its defaults (it opens a server session)."""
    c = clickhouse_connect.get_client(host="127.0.0.1", port=clickhouse_port, database=db)
    yield c
    c.close()


def http(port: int, query: str = "", body: bytes | None = None, **params: str) -> tuple[int, Message, bytes]:
    """A raw HTTP request, for what clickhouse-connect hides (status codes, headers).
    The headers are case-insensitive, as HTTP's are."""
    from urllib.parse import urlencode

    args = {"query": query, **params} if query else params
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/?{urlencode(args)}", data=body, method="POST" if body is not None else "GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_server_identifies_itself(client: Client) -> None:
    assert str(client.server_version).startswith("26.")
    assert client.command("SELECT timezone()") in ("UTC", "Etc/UTC")
    assert client.ping()


def test_ddl_creates_describes_and_drops_tables(client: Client, db: str) -> None:
    client.command("CREATE TABLE t (id UInt64, name String) ENGINE = MergeTree ORDER BY id")
    assert client.command("EXISTS TABLE t") == 1
    described = client.query("DESCRIBE TABLE t").result_rows
    assert [(row[0], row[1]) for row in described] == [("id", "UInt64"), ("name", "String")]
    client.command("ALTER TABLE t ADD COLUMN amount Decimal(38, 12) DEFAULT 0")
    assert "amount" in str(client.command("SHOW CREATE TABLE t"))
    client.command("DROP TABLE t")
    assert client.command("EXISTS TABLE t") == 0


def test_insert_100k_rows_and_read_them_back_exactly(client: Client) -> None:
    client.command(
        "CREATE TABLE events (id UInt64, merchant UUID, note String, amount Decimal(38, 12), "
        "sent_at DateTime64(6, 'UTC'), tags Array(String), ref Nullable(String)) "
        "ENGINE = MergeTree ORDER BY id"
    )
    merchant = uuid.uuid4()
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rows = [
        [
            i,
            merchant,
            f"it's\tnote\n{i}",
            Decimal(i) / Decimal(1000),
            start + dt.timedelta(microseconds=i),
            [str(i % 7)],
            None if i % 2 else str(i),
        ]
        for i in range(ROWS)
    ]
    summary = client.insert("events", rows, column_names=["id", "merchant", "note", "amount", "sent_at", "tags", "ref"])
    assert summary.written_rows == ROWS
    count, total, nulls = client.query("SELECT count(), sum(amount), countIf(ref IS NULL) FROM events").result_rows[0]
    assert count == ROWS
    assert total == sum(Decimal(i) / Decimal(1000) for i in range(ROWS))
    assert nulls == ROWS // 2
    back = client.query("SELECT * FROM events WHERE id = 4242").result_rows[0]
    assert back[:5] == (
        4242,
        merchant,
        "it's\tnote\n4242",
        Decimal("4.242"),
        (start + dt.timedelta(microseconds=4242)).replace(tzinfo=back[4].tzinfo),
    )
    assert back[5:] == (["0"], "4242")


def test_reads_as_arrow_and_dataframe(client: Client) -> None:
    client.command("CREATE TABLE t (id UInt32, amount Decimal(38, 12), day Date) ENGINE = MergeTree ORDER BY id")
    client.insert(
        "t",
        [[i, Decimal("0.000000000001") * i, dt.date(2026, 1, 1 + i % 28)] for i in range(1000)],
        column_names=["id", "amount", "day"],
    )
    table = client.query_arrow("SELECT id, amount FROM t ORDER BY id")
    assert isinstance(table, pa.Table)
    assert table.num_rows == 1000
    assert table.schema.field("amount").type == pa.decimal128(38, 12)
    assert table.column("amount")[999].as_py() == Decimal("0.000000000999")
    frame = client.query_df("SELECT id, day FROM t ORDER BY id")
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["id"][:3]) == [0, 1, 2]
    assert len(frame) == 1000
    streamed = 0
    with client.query_row_block_stream("SELECT id FROM t") as stream:
        for block in stream:
            streamed += len(block)
    assert streamed == 1000


@pytest.mark.parametrize(
    ("ch_type", "value"),
    [
        ("String", 'it\'s a "test"\twith\ttabs\nand newlines \\ and backslashes'),
        ("String", ""),
        ("UUID", uuid.UUID("0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6a")),
        ("DateTime64(6, 'UTC')", dt.datetime(2026, 11, 24, 21, 5, 1, 123456, tzinfo=dt.UTC)),
        ("Decimal(38, 12)", Decimal("-12345678901234567890.123456789012")),
        ("Array(String)", ["a'b", "c\td", ""]),
        ("Array(Int64)", [1, -2, 3]),
        ("Nullable(String)", None),
        ("Nullable(Int32)", None),
    ],
)
def test_server_side_parameters_round_trip(client: Client, ch_type: str, value: Any) -> None:
    got = client.query(f"SELECT {{v:{ch_type}}} AS v", parameters={"v": value}).result_rows[0][0]
    if isinstance(value, dt.datetime):
        got = got.replace(tzinfo=dt.UTC) if got.tzinfo is None else got
    assert got == value


def test_large_parameters_go_through_a_multipart_form(client: Client) -> None:
    big = "x'\t\n" * 5000  # over clickhouse-connect's 4 KiB URL budget: sent as multipart/form-data
    assert client.query("SELECT length({s:String})", parameters={"s": big}).result_rows[0][0] == len(big)


def test_errors_carry_their_clickhouse_code(client: Client) -> None:
    cases = {
        "SELECT * FROM no_such_table": 60,
        "SELEC 1": 62,
        "SELECT 1; SELECT 2": 62,
        "SELECT {missing:String}": 456,
        "SELECT throwIf(1, 'boom')": 395,
    }
    for sql, code in cases.items():
        with pytest.raises(DatabaseError) as caught:
            client.query(sql)
        assert getattr(caught.value, "code", None) == code, sql
        assert f"Code: {code}" in str(caught.value)


def test_error_responses_use_non_2xx_status_and_exception_header(clickhouse_port: int) -> None:
    status, headers, body = http(clickhouse_port, "SELECT * FROM no_such_table")
    assert status == 404
    assert headers["X-ClickHouse-Exception-Code"] == "60"
    assert body.startswith(b"Code: 60. DB::Exception:")
    status, headers, body = http(clickhouse_port, "SELECT 1; SELECT 2")
    assert (status, headers["X-ClickHouse-Exception-Code"]) == (400, "62")
    assert b"Multi-statements are not allowed" in body


def test_format_header_only_for_statements_that_return_rows(clickhouse_port: int, db: str) -> None:
    _, headers, body = http(clickhouse_port, "SELECT 1 AS x FORMAT JSONEachRow")
    assert headers["X-ClickHouse-Format"] == "JSONEachRow"
    assert json.loads(body) == {"x": 1}
    _, headers, body = http(clickhouse_port, "SELECT 2")
    assert (headers["X-ClickHouse-Format"], body) == ("TabSeparated", b"2\n")
    status, headers, body = http(clickhouse_port, body=f"CREATE TABLE {db}.h (x UInt8) ENGINE = Memory".encode())
    assert status == 200 and "X-ClickHouse-Format" not in headers and body == b""
    status, headers, _ = http(clickhouse_port, body=f"INSERT INTO {db}.h VALUES (1), (2)".encode())
    assert status == 200 and "X-ClickHouse-Format" not in headers
    assert json.loads(headers["X-ClickHouse-Summary"])["written_rows"] == "2"


def test_get_requests_are_read_only(clickhouse_port: int, db: str) -> None:
    status, headers, _ = http(clickhouse_port, f"CREATE TABLE {db}.g (x UInt8) ENGINE = Memory")
    assert (status, headers["X-ClickHouse-Exception-Code"]) == (500, "164")  # READONLY has no status of its own
    assert http(clickhouse_port, "SELECT 1")[0] == 200


def test_insert_data_in_the_body_after_the_query_parameter(clickhouse_port: int, db: str) -> None:
    http(
        clickhouse_port,
        body=f"CREATE TABLE {db}.b (x UInt32, s String) ENGINE = MergeTree ORDER BY x".encode(),
    )
    status, _, _ = http(clickhouse_port, f"INSERT INTO {db}.b FORMAT TabSeparated", body=b"1\ta\n2\tb\n")
    assert status == 200
    gz = gzip.compress(b"3,c\n4,d\n")
    request = urllib.request.Request(
        f"http://127.0.0.1:{clickhouse_port}/?query=INSERT+INTO+{db}.b+FORMAT+CSV",
        data=gz,
        headers={"Content-Encoding": "gzip"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    assert (
        http(clickhouse_port, f"SELECT groupArray(s) FROM (SELECT s FROM {db}.b ORDER BY x)")[2]
        == b"['a','b','c','d']\n"
    )


def test_bad_insert_data_stores_nothing(client: Client) -> None:
    client.command("CREATE TABLE t (x UInt32) ENGINE = MergeTree ORDER BY x")
    with pytest.raises(DatabaseError) as caught:
        client.raw_insert("t", ["x"], b"1\n2\nnot-a-number\n", fmt="TabSeparated")
    assert caught.value.code == 27  # CANNOT_PARSE_INPUT_ASSERTION_FAILED
    assert client.command("SELECT count() FROM t") == 0


def test_raw_insert_and_command_with_data(client: Client) -> None:
    client.command("CREATE TABLE t (x UInt32, s String) ENGINE = MergeTree ORDER BY x")
    client.raw_insert("t", ["x", "s"], b"1,one\n2,two\n", fmt="CSV")
    client.command("INSERT INTO t FORMAT JSONEachRow", data='{"x": 3, "s": "three"}')
    assert client.query("SELECT x, s FROM t ORDER BY x").result_rows == [(1, "one"), (2, "two"), (3, "three")]


def test_query_settings_apply_to_one_query_only(client: Client, clickhouse_port: int) -> None:
    plain = clickhouse_connect.get_client(host="127.0.0.1", port=clickhouse_port, autogenerate_session_id=False)
    for _ in range(4):  # lands on pooled connections, which keep what they were last given
        assert plain.command("SELECT getSetting('max_block_size')", settings={"max_block_size": 12345}) == 12345
    plain.close()
    # ...but a request without the setting gets the default on whichever connection it lands.
    values = {http(clickhouse_port, "SELECT getSetting('max_block_size')")[2] for _ in range(8)}
    assert values == {b"65409\n"}
    with pytest.raises(DatabaseError) as caught:
        client.command("SELECT 1", settings={"no_such_setting": 1})
    assert caught.value.code == 115


def test_sessions_keep_settings_and_temporary_tables(clickhouse_port: int) -> None:
    session = clickhouse_connect.get_client(host="127.0.0.1", port=clickhouse_port, session_id=f"s-{uuid.uuid4()}")
    other = clickhouse_connect.get_client(host="127.0.0.1", port=clickhouse_port, session_id=f"s-{uuid.uuid4()}")
    try:
        session.command("SET max_threads = 1")
        session.command("CREATE TEMPORARY TABLE scratch (x UInt8)")
        session.command("INSERT INTO scratch VALUES (7)")
        assert session.command("SELECT getSetting('max_threads')") == 1
        assert session.command("SELECT sum(x) FROM scratch") == 7
        assert other.command("SELECT getSetting('max_threads')") != 1
        with pytest.raises(DatabaseError) as caught:
            other.command("SELECT * FROM scratch")
        assert caught.value.code == 60
    finally:
        session.close()
        other.close()


def test_a_requests_database_lasts_one_query_also_in_a_session(raw: httpx.Client, db: str) -> None:
    sid = f"db-{uuid.uuid4()}"

    def current(**params: str) -> bytes:
        return raw.get("/", params={"query": "SELECT currentDatabase()", "session_id": sid, **params}).content

    assert current() == b"default\n"
    assert current(database=db) == f"{db}\n".encode()
    assert current() == b"default\n"
    assert raw.post("/", params={"session_id": sid}, content=b"USE system").status_code == 200
    assert current() == b"system\n"  # USE changes the session's own database...
    assert current(database=db) == f"{db}\n".encode()  # ...which a request's overrides once
    assert current() == b"system\n"
    assert raw.get("/", params={"query": "SELECT currentDatabase()"}).content == b"default\n"  # no session


def test_session_check_and_locked_sessions(clickhouse_port: int) -> None:
    status, headers, _ = http(clickhouse_port, "SELECT 1", session_id=f"new-{uuid.uuid4()}", session_check="1")
    assert (status, headers["X-ClickHouse-Exception-Code"]) == (500, "372")
    sid = f"busy-{uuid.uuid4()}"
    results: list[tuple[int, Message, bytes]] = []
    slow = threading.Thread(target=lambda: results.append(http(clickhouse_port, "SELECT sleep(1)", session_id=sid)))
    slow.start()
    import time

    time.sleep(0.3)
    status, headers, _ = http(clickhouse_port, "SELECT 1", session_id=sid)
    slow.join()
    assert (status, headers["X-ClickHouse-Exception-Code"]) == (500, "373")
    assert results[0][0] == 200


def test_four_concurrent_clients(clickhouse_port: int, db: str, ch: Client) -> None:
    ch.command(f"CREATE TABLE {db}.c (client UInt8, i UInt32) ENGINE = MergeTree ORDER BY (client, i)")
    errors: list[BaseException] = []
    sums: dict[int, int] = {}

    def work(n: int) -> None:
        try:
            c = clickhouse_connect.get_client(host="127.0.0.1", port=clickhouse_port, database=db)
            for batch in range(5):
                c.insert("c", [[n, batch * 10_000 + i] for i in range(10_000)], column_names=["client", "i"])
                c.query("SELECT count() FROM c WHERE client = {n:UInt8}", parameters={"n": n})
            sums[n] = int(str(c.command("SELECT count() FROM c WHERE client = {n:UInt8}", parameters={"n": n})))
            c.close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sums == {0: 50_000, 1: 50_000, 2: 50_000, 3: 50_000}


def test_query_id_is_echoed(clickhouse_port: int) -> None:
    _, headers, _ = http(clickhouse_port, "SELECT 1", query_id="my-query-id")
    assert headers["X-ClickHouse-Query-Id"] == "my-query-id"


def test_empty_query_is_a_syntax_error(clickhouse_port: int) -> None:
    status, headers, _ = http(clickhouse_port, body=b"   ")
    assert (status, headers["X-ClickHouse-Exception-Code"]) == (400, "62")
