"""Compressed request bodies (Content-Encoding) and responses (Accept-Encoding), as ClickHouse
does them, through clickhouse-connect and on the wire."""

from __future__ import annotations

import bz2
import gzip
import lzma
import uuid
import zlib
from collections.abc import Callable

import clickhouse_connect
import httpx
import lz4.frame
import pytest
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError

from billbo.local.clickhouse_server.body import brotli, zstd

DECOMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "zstd": lambda b: bytes(zstd.decompress(b)),
    "lz4": lz4.frame.decompress,
    "gzip": gzip.decompress,
    "deflate": zlib.decompress,
    "xz": lzma.decompress,
    "bz2": bz2.decompress,
}
COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "zstd": lambda b: bytes(zstd.compress(b)),
    "lz4": lz4.frame.compress,
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "xz": lzma.compress,
    "bz2": bz2.compress,
}


def drain(client: Client, sql: str, **settings: int) -> int:
    rows = 0
    with client.query_row_block_stream(sql, settings=settings) as stream:
        for block in stream:
            rows += len(block)
    return rows


@pytest.mark.parametrize("compress", ["zstd", "lz4", "gzip", True])
def test_clickhouse_connect_with_each_compression(clickhouse_port: int, db: str, compress: str | bool) -> None:
    c = clickhouse_connect.get_client(
        host="127.0.0.1", port=clickhouse_port, database=db, compress=compress, autogenerate_session_id=False
    )
    c.command("CREATE TABLE t (id UInt64, s String) ENGINE = MergeTree ORDER BY id")
    c.insert("t", [[i, f"row {i}"] for i in range(50_000)], column_names=["id", "s"])
    assert c.query("SELECT count(), sum(id), max(s) FROM t").result_rows == [(50_000, 1_249_975_000, "row 9999")]
    assert drain(c, "SELECT id, s FROM t") == 50_000
    with pytest.raises(DatabaseError, match="boom"):
        drain(c, "SELECT id, s, throwIf(id = 40000, 'boom') FROM t ORDER BY id", max_block_size=1000)
    c.close()


@pytest.mark.parametrize("encoding", ["zstd", "lz4", "gzip", "deflate", "xz", "bz2"])
def test_responses_are_compressed_as_asked(raw: httpx.Client, encoding: str) -> None:
    sql = "SELECT number FROM numbers(100000) FORMAT TSV"
    expected = b"".join(b"%d\n" % i for i in range(100_000))
    with raw.stream("GET", "/", params={"query": sql}, headers={"Accept-Encoding": encoding}) as response:
        assert response.headers["Content-Encoding"] == encoding
        body = b"".join(response.iter_raw())
    assert DECOMPRESS[encoding](body) == expected
    # ... also when the output is streamed in pieces, and when it ends with an error
    failing = "SELECT number, throwIf(number = 300000) FROM numbers(400000) FORMAT TSV"
    with raw.stream(
        "GET", "/", params={"query": failing, "max_block_size": "1000"}, headers={"Accept-Encoding": encoding}
    ) as response:
        assert response.headers["Content-Encoding"] == encoding
        tag = response.headers["X-ClickHouse-Exception-Tag"]
        body = DECOMPRESS[encoding](b"".join(response.iter_raw()))
    assert body.startswith(b"0\t0\n1\t0\n")
    assert body.endswith(f" {tag}\r\n__exception__\r\n".encode())
    assert b"Code: 395." in body[-2000:]


def test_clickhouse_preference_order_and_opting_out(raw: httpx.Client) -> None:
    def encoding(accept: str, **params: str) -> str | None:
        response = raw.get("/", params={"query": "SELECT 1", **params}, headers={"Accept-Encoding": accept})
        return str(response.headers["Content-Encoding"]) if "Content-Encoding" in response.headers else None

    assert encoding("gzip, deflate, zstd, lz4") == "zstd"
    assert encoding("gzip, lz4") == "lz4"
    assert encoding("deflate, gzip") == "gzip"
    assert encoding("identity") is None
    assert encoding("zstd", enable_http_compression="0") is None
    assert encoding("br") == ("br" if brotli is not None else None)
    # an error response is plain text, whatever was asked
    error = raw.get("/", params={"query": "SELEC 1"}, headers={"Accept-Encoding": "zstd"})
    assert "Content-Encoding" not in error.headers and error.content.startswith(b"Code: 62.")


@pytest.mark.parametrize("encoding", ["zstd", "lz4", "gzip", "deflate", "xz", "bz2"])
def test_request_bodies_in_each_encoding(raw: httpx.Client, ch: Client, db: str, encoding: str) -> None:
    table = f"{db}.t_{uuid.uuid4().hex[:6]}"
    ch.command(f"CREATE TABLE {table} (x UInt32) ENGINE = MergeTree ORDER BY x")
    body = COMPRESS[encoding](f"INSERT INTO {table} FORMAT TSV\n".encode() + b"".join(b"%d\n" % i for i in range(1000)))
    response = raw.post("/", content=body, headers={"Content-Encoding": encoding})
    assert response.status_code == 200, response.content
    assert ch.command(f"SELECT sum(x) FROM {table}") == 499_500


def test_brotli_bodies(raw: httpx.Client) -> None:
    if brotli is None:
        response = raw.post("/", content=b"SELECT 1", headers={"Content-Encoding": "br"})
        assert response.headers["X-ClickHouse-Exception-Code"] == "89"
        assert b"brotli package" in response.content
    else:
        response = raw.post("/", content=brotli.compress(b"SELECT 1"), headers={"Content-Encoding": "br"})
        assert response.content == b"1\n"
