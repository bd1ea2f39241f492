"""Results are streamed, and an error after the response has started reaches the client as
ClickHouse 25.x sends it: the exception block at the end of the body, framed by the tag of the
``X-ClickHouse-Exception-Tag`` header, which clickhouse-connect raises as a DatabaseError."""

from __future__ import annotations

import json
import threading
import time

import chdb
import clickhouse_connect
import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError

from billbo.local.clickhouse_server import response as protocol

# About 9 bytes a row in Native (UInt64 + UInt8): the error comes after 4.5 MB of output.
FAILS_LATE = "SELECT number, throwIf(number = 500000, 'boom') AS t FROM numbers(1000000)"


def drain(client: Client, sql: str, **settings: int) -> int:
    """Read a streamed query to its end; how many rows came."""
    rows = 0
    with client.query_row_block_stream(sql, settings=settings) as stream:
        for block in stream:
            rows += len(block)
    return rows


@pytest.fixture
def client(clickhouse_port: int) -> Client:
    return clickhouse_connect.get_client(host="127.0.0.1", port=clickhouse_port, autogenerate_session_id=False)


def test_an_error_after_the_response_started_is_raised_by_clickhouse_connect(client: Client) -> None:
    with pytest.raises(DatabaseError) as caught:
        drain(client, FAILS_LATE, max_block_size=10_000)
    assert "boom" in str(caught.value)
    assert "Code: 395" in str(caught.value)
    assert client.command("SELECT 1") == 1  # the client and its connection go on


def test_the_same_error_in_a_buffered_query_keeps_its_status(client: Client, raw: httpx.Client) -> None:
    """clickhouse-connect's query() asks for wait_end_of_query=1: the whole result is held, so
    the error is an ordinary error response (as in ClickHouse)."""
    with pytest.raises(DatabaseError) as caught:
        client.query(FAILS_LATE, settings={"max_block_size": 10_000})
    assert getattr(caught.value, "code", None) == 395
    response = raw.get("/", params={"query": FAILS_LATE, "wait_end_of_query": "1", "max_block_size": "10000"})
    assert (response.status_code, response.headers["X-ClickHouse-Exception-Code"]) == (500, "395")


def test_small_output_that_fails_keeps_its_status(client: Client) -> None:
    """The task's example: the output before the error fits the first 1 MiB, which is held
    before the response starts, so the error still has its status code."""
    sql = "SELECT throwIf(number = 100000, 'boom') FROM numbers(200000)"
    with pytest.raises(DatabaseError) as caught:
        drain(client, sql, max_block_size=1000)
    assert "boom" in str(caught.value)


def test_the_exception_block_on_the_wire(raw: httpx.Client) -> None:
    params = {"query": FAILS_LATE + " FORMAT TSV", "max_block_size": "10000"}
    with raw.stream("GET", "/", params=params) as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers  # chunked: it started before the end
        tag = response.headers["X-ClickHouse-Exception-Tag"]
        body = b"".join(response.iter_raw())
        port = response.extensions["network_stream"].get_extra_info("client_addr")[1]
    assert len(tag) == 16 and tag.isalnum()
    head, marker, block = body.rpartition(b"\r\n__exception__\r\n" + tag.encode() + b"\r\n")
    assert marker, body[-300:]
    assert head.endswith(b"\n") and head.count(b"\n") >= 100_000  # whole rows came first
    suffix = b" " + tag.encode() + b"\r\n__exception__\r\n"
    assert block.endswith(suffix)
    message, _, length = block[: -len(suffix)].rpartition(b"\n")
    assert message.startswith(b"Code: 395. DB::Exception: boom")
    assert int(length) == len(message) + 1
    # ... and the connection stays open for the next request
    after = raw.get("/", params={"query": "SELECT 2"})
    assert after.content == b"2\n"
    assert after.extensions["network_stream"].get_extra_info("client_addr")[1] == port


def test_a_small_buffer_size_starts_the_response_at_once(raw: httpx.Client) -> None:
    params = {"query": "SELECT number, throwIf(number = 10, 'early') FROM numbers(100) FORMAT TSV"}
    with raw.stream("GET", "/", params={**params, "max_block_size": "1", "http_response_buffer_size": "1"}) as response:
        assert response.status_code == 200
        body = b"".join(response.iter_raw())
    assert body.startswith(b"0\t0\n")
    assert b"Code: 395. DB::Exception: early" in body
    assert body.endswith(b" " + response.headers["X-ClickHouse-Exception-Tag"].encode() + b"\r\n__exception__\r\n")


def test_large_results_stream_in_pieces(raw: httpx.Client) -> None:
    params = {"query": "SELECT number FROM numbers(3000000) FORMAT TSV"}
    with raw.stream("GET", "/", params=params) as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers
        pieces = list(response.iter_raw())
    body = b"".join(pieces)
    assert body.count(b"\n") == 3_000_000 and body.endswith(b"2999999\n")
    assert len(pieces) > 3


def test_small_results_have_a_content_length(raw: httpx.Client) -> None:
    response = raw.get("/", params={"query": "SELECT number FROM numbers(10) FORMAT TSV"})
    assert response.headers["Content-Length"] == str(len(response.content))
    assert "X-ClickHouse-Exception-Tag" in response.headers


def test_a_client_that_leaves_cancels_its_query(clickhouse_port: int, ch: Client) -> None:
    marker = f"leaving client {time.time_ns()}"
    sql = f"SELECT number, sleepEachRow(0.001), '{marker}' FROM numbers(100000) FORMAT TSV"
    params = {"query": sql, "max_block_size": "100", "http_response_buffer_size": "1"}
    with httpx.Client(base_url=f"http://127.0.0.1:{clickhouse_port}") as c, c.stream("GET", "/", params=params) as r:
        assert r.status_code == 200
        next(r.iter_raw())
    deadline = time.monotonic() + 10
    running = 1
    while running and time.monotonic() < deadline:
        time.sleep(0.2)
        running = int(
            str(
                ch.command(
                    f"SELECT count() FROM system.processes WHERE query LIKE '%{marker}%' "
                    "AND query NOT LIKE '%system.processes%'"
                )
            )
        )
    assert running == 0


def test_streams_of_concurrent_clients(clickhouse_port: int) -> None:
    errors: list[BaseException] = []

    def read() -> None:
        try:
            c = clickhouse_connect.get_client(host="127.0.0.1", port=clickhouse_port, autogenerate_session_id=False)
            total = 0
            with c.query_row_block_stream("SELECT number FROM numbers(2000000)") as stream:
                for block in stream:
                    total += sum(row[0] for row in block)
            assert total == 2_000_000 * 1_999_999 // 2
            c.close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_exception_block_is_cut_at_16k() -> None:
    block = protocol.exception_block(b"x" * 100_000 + b"\n", "abcdefgh12345678")
    assert len(block) < 17_000
    assert block.endswith(b"16384 abcdefgh12345678\r\n__exception__\r\n")


MANY_BLOCKS = "SELECT number AS n, toString(number) AS s FROM numbers(300000) SETTINGS max_block_size = 10000"


def test_formats_with_a_header_or_footer_come_whole(client: Client, raw: httpx.Client) -> None:
    """chDB would write such formats anew for each streamed piece; they are run whole instead."""
    assert client.query_arrow(MANY_BLOCKS).num_rows == 300_000
    with client.query_arrow_stream(MANY_BLOCKS) as stream:
        assert sum(batch.num_rows for batch in stream) == 300_000
    parsed = json.loads(raw.get("/", params={"query": MANY_BLOCKS + " FORMAT JSON"}).content)
    assert parsed["rows"] == 300_000 and len(parsed["data"]) == 300_000
    csv = raw.get("/", params={"query": MANY_BLOCKS + " FORMAT CSVWithNames"}).content
    assert csv.count(b'"n","s"') == 1 and csv.count(b"\n") == 300_001
    values = raw.get("/", params={"query": MANY_BLOCKS + " FORMAT Values"}).content
    assert values.count(b"),(") == 299_999
    parquet = raw.get("/", params={"query": MANY_BLOCKS + " FORMAT Parquet"}).content
    assert pq.read_table(pa.BufferReader(parquet)).num_rows == 300_000
    as_array = raw.get(
        "/", params={"query": MANY_BLOCKS + " FORMAT JSONEachRow", "output_format_json_array_of_rows": "1"}
    ).content
    assert len(json.loads(as_array)) == 300_000


def test_row_formats_stream_the_same_bytes_as_a_whole_result(raw: httpx.Client) -> None:
    """The oracle: chDB in this process (in memory), with its buffered query."""
    oracle = chdb.connect(":memory:")
    try:
        for fmt in ("TSV", "CSV", "JSONEachRow", "JSONCompactEachRow", "RowBinary", "Native"):
            sql = f"{MANY_BLOCKS} FORMAT {fmt}"
            with raw.stream("GET", "/", params={"query": sql}) as response:
                assert "content-length" not in response.headers, fmt
                streamed = b"".join(response.iter_raw())
            assert streamed == oracle.query(sql).bytes(), fmt
    finally:
        oracle.close()
