"""Hostile and malformed requests: each gets the answer ClickHouse gives (its exception code and
HTTP status), never an unhandled 500, and the keep-alive connection stays open after it."""

from __future__ import annotations

import gzip
import socket
import zlib
from typing import Any

import httpx
import lz4.frame
import pytest
from clickhouse_connect.driver.client import Client

from billbo.local.clickhouse_server.body import zstd


def client_port(response: httpx.Response) -> int:
    """The client side's port of the connection that carried the response."""
    return int(response.extensions["network_stream"].get_extra_info("client_addr")[1])


def exchange(raw: httpx.Client, *requests: dict[str, Any]) -> list[httpx.Response]:
    """Send requests one after the other on one connection, and check it stayed the same one."""
    responses = [raw.post("/", **request) for request in requests]
    responses.append(raw.get("/", params={"query": "SELECT 'still here'"}))
    assert responses[-1].content == b"still here\n"
    assert len({client_port(r) for r in responses}) == 1, "the server closed the connection"
    return responses


def code(response: httpx.Response) -> tuple[int, str | None]:
    return response.status_code, response.headers.get("X-ClickHouse-Exception-Code")


# -- SQL that is not UTF-8 --------------------------------------------------------------------


def test_bytes_that_are_not_utf8_reach_the_engine_unchanged(raw: httpx.Client) -> None:
    body, header = exchange(
        raw,
        {"content": b"SELECT '\xff\xfe' AS x, hex(x) FORMAT TSV"},
        {"params": {"query": "SELECT hex({s:String})", "param_s": b"a\xff".decode("latin-1")}},
    )[0:2]
    assert body.content == b"\xff\xfe\tFFFE\n"
    # httpx sends str parameters as UTF-8: 'a\xff' as latin-1 is 'aÿ', UTF-8 C3 BF
    assert header.content == b"61C3BF\n"


def test_sql_that_is_not_utf8_is_a_syntax_error(raw: httpx.Client) -> None:
    responses = exchange(
        raw,
        {"content": b"\xff\xfe\xfd"},
        {"content": b"SELEC\xff 1"},
        {"content": b"SELECT 1 \xc3"},
        {"content": b"SELECT '\xff"},  # ends inside a string
    )
    for response in responses[:-1]:
        assert code(response) == (400, "62"), response.content
        assert response.content.startswith(b"Code: 62. DB::Exception:")


def test_percent_encoded_bytes_that_are_not_utf8(clickhouse_port: int) -> None:
    """In the URL: the query, a parameter value, a setting's name and value, the query id."""
    answers = raw_requests(
        clickhouse_port,
        b"GET /?query=%FF%FE HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /?query=SELECT+hex(%7Bs:String%7D)&param_s=%FF%00%41 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /?query=SELECT+hex('%FF') HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /?query=SELECT+1&max_block_size=%FF HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /?query=SELECT+1&%FF=1 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /?query=SELECT+1&query_id=%E2%82%AC%FF HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    (s1, h1, _), (s2, _, b2), (s3, _, b3), (s4, h4, _), (s5, h5, _), (s6, h6, b6) = answers
    assert (s1, h1["x-clickhouse-exception-code"]) == (400, "62")
    assert (s2, b2) == (200, b"FF0041\n")
    assert (s3, b3) == (200, b"FF\n")
    assert (s4, h4["x-clickhouse-exception-code"]) == (400, "27")  # CANNOT_PARSE_INPUT_ASSERTION_FAILED
    assert (s5, h5["x-clickhouse-exception-code"]) == (400, "36")
    assert (s6, b6) == (200, b"1\n")
    assert h6["x-clickhouse-query-id"].encode("latin-1") == "€".encode() + b"\xff"


def test_raw_bytes_in_the_request_line_are_refused_by_the_http_parser(clickhouse_port: int) -> None:
    """Not HTTP (a request target is ASCII; clients percent-encode): uvicorn's parser answers 400
    and closes the connection, before the server sees the request."""
    with socket.create_connection(("127.0.0.1", clickhouse_port), timeout=30) as sock:
        sock.sendall(b"GET /?query=SELECT+'\xff' HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.makefile("rb").readline().split()[1] == b"400"


def raw_requests(port: int, *requests: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """Raw HTTP/1.1 on one socket (for request lines no client library sends), answers with
    Content-Length only."""
    answers = []
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        stream = sock.makefile("rb")
        for request in requests:
            sock.sendall(request)
            status = int(stream.readline().split()[1])
            headers: dict[str, str] = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            assert headers.get("connection") != "close"
            answers.append((status, headers, stream.read(int(headers["content-length"]))))
    return answers


# -- query strings and headers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"query": "SELECT%ZZ1"}, (400, "62")),  # not percent-encoding: the text as it is
        ({"query": "%"}, (400, "62")),
        ({"query": "SELECT 1", "session_id": "s-timeout", "session_timeout": "nan"}, (500, "374")),
        ({"query": "SELECT 1", "session_id": "s-timeout", "session_timeout": "1e400"}, (500, "374")),
        ({"query": "SELECT 1", "session_id": "s-timeout", "session_timeout": "soon"}, (400, "36")),
        ({"query": "SELECT 1", "session_id": "x" * 300}, (400, "36")),
        ({"query": "SELECT 1", "buffer_size": "WRONG"}, (400, "27")),
        ({"query": "SELECT 1", "default_format": "NoSuchFormat"}, (404, "73")),
        ({"query": "SELECT 1", "database": "no such database"}, (400, "36")),
        ({"query": "SELECT 1", "max_block_size": "x" * 60_000}, (400, "27")),
        ({"query": "SELECT length({p:String})", "param_p": "p" * 60_000}, (200, None)),
        ({"query": "SELECT 1", "": "empty names are skipped"}, (200, None)),
        ({"query": "SELECT 1", "query_id": "a\r\nX-Injected: 1"}, (200, None)),
    ],
)
def test_odd_query_strings(raw: httpx.Client, params: dict[str, str], expected: tuple[int, str | None]) -> None:
    response = exchange(raw, {"params": params})[0]
    assert code(response) == expected, response.content[:300]
    assert "X-Injected" not in response.headers


def test_head_requests_are_read_only(raw: httpx.Client, db: str) -> None:
    response = raw.head("/", params={"query": f"CREATE TABLE {db}.h (x UInt8) ENGINE = Memory"})
    assert code(response) == (500, "164")
    assert raw.get("/", params={"query": f"EXISTS TABLE {db}.h"}).content == b"0\n"


# -- compressed bodies ------------------------------------------------------------------------


@pytest.fixture
def table(ch: Client, db: str) -> str:
    ch.command(f"CREATE TABLE {db}.t (x UInt32) ENGINE = MergeTree ORDER BY x")
    return f"{db}.t"


@pytest.mark.parametrize(
    ("encoding", "body", "expected"),
    [
        ("lz4", b"this is not an LZ4 frame", "618"),  # LZ4_DECODER_FAILED
        ("lz4", lz4.frame.compress(b"1\n2\n")[:-6], "618"),  # cut in the middle of its frame
        ("gzip", b"this is not gzip", "354"),  # ZLIB_INFLATE_FAILED
        ("gzip", gzip.compress(b"1\n2\n" * 1000)[:-8], "354"),
        ("deflate", b"this is not deflate", "354"),
        ("deflate", zlib.compress(b"1\n") + b"trailing bytes", "354"),
        ("zstd", b"this is not zstd", "561"),  # ZSTD_DECODER_FAILED
        ("xz", b"this is not xz", "554"),  # LZMA_STREAM_DECODER_FAILED
        ("bz2", b"this is not bz2", "594"),  # BZIP2_STREAM_DECODER_FAILED
        ("compress", b"1\n", "89"),  # UNKNOWN_COMPRESSION_METHOD
        ("gzip, lz4", b"1\n", "89"),
    ],
)
def test_bodies_that_do_not_decode(
    raw: httpx.Client, ch: Client, table: str, encoding: str, body: bytes, expected: str
) -> None:
    request = {"params": {"query": f"INSERT INTO {table} FORMAT TSV"}, "content": body}
    response = exchange(raw, {**request, "headers": {"Content-Encoding": encoding}})[0]
    assert response.headers["X-ClickHouse-Exception-Code"] == expected, response.content
    assert response.status_code == 500  # these codes have no status of their own in ClickHouse
    assert response.content.startswith(f"Code: {expected}. DB::Exception:".encode())
    assert ch.command(f"SELECT count() FROM {table}") == 0


def test_a_query_in_a_body_that_does_not_decode(raw: httpx.Client) -> None:
    response = exchange(raw, {"content": b"garbage", "headers": {"Content-Encoding": "gzip"}})[0]
    assert code(response) == (500, "354")


def test_bodies_of_several_frames_or_members_decode_whole(raw: httpx.Client, ch: Client, table: str) -> None:
    bodies = {
        "gzip": gzip.compress(b"1\n2\n") + gzip.compress(b"3\n"),
        "lz4": lz4.frame.compress(b"4\n") + lz4.frame.compress(b"5\n6\n"),
        "zstd": zstd.compress(b"7\n") + zstd.compress(b"8\n"),
    }
    for encoding, body in bodies.items():
        response = raw.post(
            "/",
            params={"query": f"INSERT INTO {table} FORMAT TSV"},
            content=body,
            headers={"Content-Encoding": encoding},
        )
        assert response.status_code == 200, response.content
    assert ch.query(f"SELECT groupArray(x) FROM (SELECT x FROM {table} ORDER BY x)").result_rows == [
        ([1, 2, 3, 4, 5, 6, 7, 8],)
    ]


def test_a_compression_bomb_is_decoded_in_bounded_pieces(raw: httpx.Client, ch: Client, table: str) -> None:
    body = gzip.compress(b"1\n" * (20 << 20), compresslevel=9)  # 40 MiB of rows in about 40 KiB
    response = raw.post(
        "/",
        params={"query": f"INSERT INTO {table} FORMAT TSV"},
        content=body,
        headers={"Content-Encoding": "gzip"},
    )
    assert response.status_code == 200, response.content
    assert ch.command(f"SELECT count() FROM {table}") == 20 << 20


# -- multipart forms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("multipart/form-data", b"--x\r\n\r\nSELECT 1\r\n--x--", (400, "36")),  # no boundary
        ("multipart/form-data; boundary=x", b"no boundary line at all", (400, "36")),
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=query\r\n", (400, "36")),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="query"\r\n\r\nSELECT 1',
            (400, "36"),
        ),  # no closing boundary
        ("multipart/form-data; boundary=x", b"--x\r\nnot a header\r\n\r\nSELECT 1\r\n--x--", (400, "36")),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="t"; filename="t"\r\n\r\n1\r\n--x--',
            (400, "36"),  # external data without structure
        ),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="query"\r\n\r\nSELECT \xff\r\n--x--',
            (400, "62"),
        ),
        (
            'multipart/form-data; boundary="quoted boundary"',
            b'preamble\r\n--quoted boundary\r\nContent-Disposition: form-data; name="query"\r\n\r\n'
            b"SELECT 42\r\n--quoted boundary--\r\nepilogue",
            (200, None),
        ),
    ],
)
def test_malformed_multipart_bodies(
    raw: httpx.Client, content_type: str, body: bytes, expected: tuple[int, str | None]
) -> None:
    response = exchange(raw, {"content": body, "headers": {"Content-Type": content_type}})[0]
    assert code(response) == expected, response.content
    if expected[0] == 200:
        assert response.content == b"42\n"
