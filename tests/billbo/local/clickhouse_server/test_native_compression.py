"""ClickHouse's own compression on the HTTP interface (``decompress=1`` / ``compress=1``): blocks
with CityHash128 checksums; a corrupted block is the error ClickHouse reports for it."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import httpx
import lz4.block
import pytest
from clickhouse_connect.driver.client import Client

from billbo.local.clickhouse_server.body import zstd
from billbo.local.clickhouse_server.cityhash import checksum
from billbo.local.clickhouse_server.native import NativeDecoder, compress_blocks


def block(method: int, payload: bytes, raw_size: int, *, good: bool = True) -> bytes:
    body = struct.pack("<BII", method, 9 + len(payload), raw_size) + payload
    digest = checksum(body)
    return (digest if good else bytes(16)) + body


def decode(data: bytes) -> bytes:
    decoder = NativeDecoder()
    out = b"".join(decoder.feed(data))
    decoder.finish()
    return out


def test_checksums_are_those_clickhouse_writes(ch: Client, db: str) -> None:
    """chDB's own MergeTree files are runs of compressed blocks: each checksum must match."""
    ch.command(
        f"CREATE TABLE {db}.parts (a UInt64, s String CODEC(ZSTD(1)), z UInt8 CODEC(NONE)) ENGINE = MergeTree "
        "ORDER BY a SETTINGS min_bytes_for_wide_part = 0, min_rows_for_wide_part = 0"
    )
    ch.command(f"INSERT INTO {db}.parts SELECT number, repeat('x', number % 300), number % 7 FROM numbers(50000)")
    ch.command(f"INSERT INTO {db}.parts VALUES (1, 'a', 1)")
    paths = [
        row[0] for row in ch.query(f"SELECT path FROM system.parts WHERE database = '{db}' AND active").result_rows
    ]
    checked = set()
    for part in paths:
        for file in Path(part).glob("*.bin"):
            data, pos = file.read_bytes(), 0
            while pos < len(data):
                size = struct.unpack_from("<I", data, pos + 17)[0]
                assert checksum(data[pos + 16 : pos + 16 + size]) == data[pos : pos + 16], file
                checked.add((data[pos + 16], size < 128))
                pos += 16 + size
    assert {method for method, _ in checked} == {0x02, 0x82, 0x90}
    assert {small for _, small in checked} == {True, False}


def test_decompress_1_bodies(raw: httpx.Client, ch: Client, db: str) -> None:
    ch.command(f"CREATE TABLE {db}.n (x UInt32) ENGINE = MergeTree ORDER BY x")
    text = f"INSERT INTO {db}.n FORMAT TSV\n".encode() + b"".join(b"%d\n" % i for i in range(100_000))
    body = compress_blocks(text[:300_000]) + block(0x02, text[300_000:400_000], 100_000)
    body += block(0x90, bytes(zstd.compress(text[400_000:])), len(text) - 400_000)
    response = raw.post("/", params={"decompress": "1"}, content=body)
    assert response.status_code == 200, response.content
    assert ch.command(f"SELECT count(), sum(x) FROM {db}.n") == ["100000", "4999950000"]
    # ... also inside an HTTP Content-Encoding
    small = compress_blocks(f"INSERT INTO {db}.n VALUES (7)".encode())
    response = raw.post(
        "/", params={"decompress": "1"}, content=gzip.compress(small), headers={"Content-Encoding": "gzip"}
    )
    assert response.status_code == 200, response.content
    assert ch.command(f"SELECT count() FROM {db}.n WHERE x = 7") == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (block(0x82, lz4.block.compress(b"SELECT 1", store_size=False), 8, good=False), "40"),  # CHECKSUM_DOESNT_MATCH
        (block(0x82, b"\xff\xff\xff\xff not lz4", 100), "271"),  # CANNOT_DECOMPRESS
        (block(0x90, b"not a zstd frame", 100), "271"),
        (block(0x95, b"gorilla", 7), "432"),  # UNKNOWN_CODEC
        (block(0x02, b"SELECT 1", 9), "271"),  # the sizes disagree
        (bytes(16) + struct.pack("<BII", 0x82, 2**31, 10), "39"),  # TOO_LARGE_SIZE_COMPRESSED
        (compress_blocks(b"SELECT 1")[:-3], "33"),  # CANNOT_READ_ALL_DATA
        (b"SELECT 1", "33"),  # not compressed at all
    ],
)
def test_corrupted_decompress_1_bodies(raw: httpx.Client, body: bytes, expected: str) -> None:
    response = raw.post("/", params={"decompress": "1"}, content=body)
    assert response.headers.get("X-ClickHouse-Exception-Code") == expected, response.content
    assert response.status_code == 500
    assert raw.get("/", params={"query": "SELECT 1"}).content == b"1\n"


def test_checksums_can_be_switched_off(raw: httpx.Client) -> None:
    body = block(0x82, lz4.block.compress(b"SELECT 42", store_size=False), 9, good=False)
    params = {"decompress": "1", "http_native_compression_disable_checksumming_on_decompress": "1"}
    assert raw.post("/", params=params, content=body).content == b"42\n"


def test_compress_1_responses(raw: httpx.Client) -> None:
    sql = "SELECT number FROM numbers(300000) FORMAT TSV"
    plain = raw.get("/", params={"query": sql}).content
    packed = raw.get("/", params={"query": sql, "compress": "1"})
    assert "Content-Encoding" not in packed.headers
    assert decode(packed.content) == plain
    wrapped = raw.get("/", params={"query": sql, "compress": "1"}, headers={"Accept-Encoding": "gzip"})
    assert wrapped.headers["Content-Encoding"] == "gzip"
    assert decode(wrapped.content) == plain  # httpx has undone the gzip
    failing = "SELECT number, throwIf(number = 400000) FROM numbers(500000) FORMAT TSV"
    with raw.stream("GET", "/", params={"query": failing, "compress": "1", "max_block_size": "1000"}) as response:
        tag = response.headers["X-ClickHouse-Exception-Tag"]
        body = decode(b"".join(response.iter_raw()))
    assert body.startswith(b"0\t0\n") and body.endswith(f" {tag}\r\n__exception__\r\n".encode())
