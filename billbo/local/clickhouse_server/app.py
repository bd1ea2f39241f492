"""The ASGI application: ClickHouse's HTTP interface in front of the chDB engine.

Whatever a request holds, the answer is one ClickHouse gives: a result, or an error with
ClickHouse's code (``X-ClickHouse-Exception-Code``), its HTTP status and its text; an error after
a streamed response has started ends it with the exception block (response.py). The connection
stays open either way (keep-alive), also for a failure of the server itself (STD_EXCEPTION).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import structlog

from billbo.clickhouse.sql_lexer import IncompleteInput, InsertHead, find_insert_data, tokens
from billbo.http.asgi import ClientGone
from billbo.local.clickhouse_server import wire
from billbo.local.clickhouse_server.body import FilePart, decoded_chunks, parse_multipart, read_all
from billbo.local.clickhouse_server.engine import (
    TRANSPORT_PARAMS,
    Conn,
    Engine,
    ExternalTable,
    Outcome,
    Request,
    Rows,
)
from billbo.local.clickhouse_server.errors import ClickHouseError, bad_request, coded
from billbo.local.clickhouse_server.native import NativeDecoder
from billbo.local.clickhouse_server.response import (
    Coding,
    Encoder,
    exception_block,
    exception_tag,
    response_coding,
)

log = structlog.stdlib.get_logger("billbo.local.clickhouse_server")

Scope = dict[str, Any]
Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]
Receive = Callable[[], Awaitable[Message]]
T = TypeVar("T")

MAX_INSERT_HEAD = 1 << 20  # an INSERT statement before its data may not be longer than 1 MiB
APPEND_SIZE = 1 << 20  # hand data to chDB in pieces of about 1 MiB
RESPONSE_BUFFER = 1 << 20  # ClickHouse's HTTP write buffer: output up to here can still fail cleanly
STREAM_PIECE = 1 << 20  # a streamed response is read from chDB and sent in pieces of about 1 MiB
COMPRESS_INLINE = 64 << 10  # smaller bodies are compressed on the event loop, larger ones in a worker
KEEP_ALIVE_SECONDS = 30
MAX_SESSION_TIMEOUT = 3600.0  # ClickHouse's default max_session_timeout
HTTP_COMPRESSION_DEFAULT = "1"  # enable_http_compression's default in ClickHouse 26.x
STREAM_LATENCY = 0.05  # a streamed piece is sent after 50 ms even if smaller than STREAM_PIECE

_CONTENT_TYPES = {
    "TabSeparated": "text/tab-separated-values; charset=UTF-8",
    "TSV": "text/tab-separated-values; charset=UTF-8",
    "CSV": "text/csv; charset=UTF-8; header=absent",
    "JSON": "application/json; charset=UTF-8",
    "JSONEachRow": "application/x-ndjson; charset=UTF-8",
}
# The parameters of external tables, never settings in a multipart request (as in ClickHouse).
_EXTERNAL_SUFFIXES = ("_format", "_types", "_structure")


class LocalClickHouse:
    """The server. ``engine`` is opened at startup; requests run on a thread pool."""

    def __init__(self, data_path: str, *, threads: int = 16, session_sweep_seconds: float = 5.0):
        self._data_path = data_path
        self._threads = threads
        self._sweep_seconds = session_sweep_seconds
        self.engine: Engine | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._sweeper: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    # -- lifecycle -----------------------------------------------------------------------------

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self.startup()
                except Exception as exc:  # noqa: BLE001 - reported to uvicorn, which exits
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                self._sweeper = asyncio.create_task(self._sweep_sessions())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._sweeper:
                    self._sweeper.cancel()
                self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def startup(self) -> None:
        self._executor = ThreadPoolExecutor(self._threads, thread_name_prefix="chdb")
        self.engine = Engine(self._data_path)
        log.info("clickhouse engine open", path=self._data_path, version=self.engine.version)

    def shutdown(self) -> None:
        if self.engine:
            self.engine.close()
        if self._executor:
            self._executor.shutdown(wait=True)
        log.info("clickhouse engine closed", path=self._data_path)

    async def _sweep_sessions(self) -> None:
        while True:
            await asyncio.sleep(self._sweep_seconds)
            if self.engine:
                await self._in_thread(self.engine.expire_sessions)

    async def _in_thread(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, *args, **kwargs))

    # -- requests ------------------------------------------------------------------------------

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = scope["path"], scope["method"]
        if path in ("/", "/ping") and method in ("GET", "HEAD") and not scope["query_string"]:
            await _respond(send, 200, b"Ok.\n", {"Content-Type": "text/plain; charset=UTF-8"})
            return
        if path not in ("/", "/query"):
            await _respond(send, 404, b"Not found\n", {})
            return
        engine = self.engine
        assert engine is not None, "requests arrive only after startup"
        params = _query_params(scope["query_string"])
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        reply = _Reply(send, params.get("query_id") or str(uuid.uuid4()), engine.version)
        try:
            await self._serve(engine, method, params, headers, receive, reply)
        except ClickHouseError as exc:
            log.info("query failed", code=exc.code, query_id=reply.query_id, message=exc.message[:300])
            await reply.error(exc)
        except ClientGone:
            return
        except Exception as exc:  # a bug must not cost the client its connection
            log.exception("query failed unexpectedly", query_id=reply.query_id)
            await reply.error(coded(1001, "STD_EXCEPTION", f"{type(exc).__name__}: {exc}"))

    async def _serve(
        self,
        engine: Engine,
        method: str,
        params: dict[str, str],
        headers: dict[str, str],
        receive: Receive,
        reply: _Reply,
    ) -> None:
        native = None
        if params.get("decompress") == "1":
            verify = params.get("http_native_compression_disable_checksumming_on_decompress", "0") in ("0", "false")
            native = NativeDecoder(verify=verify)
        body = decoded_chunks(receive, headers.get("content-encoding", ""), native)
        files: list[FilePart] = []
        content_type = headers.get("content-type", "")
        multipart = content_type.lower().startswith("multipart/form-data")
        if multipart:
            form = parse_multipart(content_type, await read_all(body))
            params.update(form.fields)
            files = form.files
            body = _empty()
        request = Request(
            database=params.get("database") or headers.get("x-clickhouse-database") or None,
            settings={k: v for k, v in params.items() if _is_setting(k, multipart=multipart)},
            params={k[6:]: v for k, v in params.items() if k.startswith("param_")},
            default_format=wire.param(
                params.get("default_format") or headers.get("x-clickhouse-format") or "TabSeparated"
            ),
            readonly=method != "POST",  # as in ClickHouse: GET, HEAD... are read-only
            externals=_external_tables(files, params),
        )
        first = _response_buffer(params)
        compressing = params.get("enable_http_compression", HTTP_COMPRESSION_DEFAULT) not in ("0", "false")
        encoding = response_coding(
            headers.get("accept-encoding", "") if compressing else None,
            _compression_level(params),
            native=params.get("compress") == "1",
        )
        async with self._connection(engine, params) as conn:
            outcome = await self._run(engine, conn, params, request, body, first)
            if outcome.rows is not None:  # the query still runs: it holds the connection
                await self._stream(reply, outcome, outcome.rows, encoding, receive)
                return
        await reply.whole(outcome, await self._compressed(outcome.body, encoding))

    async def _run(
        self,
        engine: Engine,
        conn: Conn,
        params: dict[str, str],
        request: Request,
        body: AsyncIterator[bytes],
        first: int | None,
    ) -> Outcome:
        query = params.get("query")
        if query is not None:
            head = _insert_head(query)
            if head is not None:
                return await self._insert(engine, conn, head, b"", body, request)
            rest = await read_all(body)
            sql = query + ("\n" + wire.text(rest) if rest else "")
        else:
            head, buffered = await _read_insert_head(body)
            if head is not None:
                data = buffered[head.data_start :]
                return await self._insert(engine, conn, head, data, body, request)
            sql = wire.text(buffered + await read_all(body))
        if not sql.strip():
            raise ClickHouseError(62, "Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)")
        return await self._in_thread(engine.execute, conn, sql, request, first=first)

    @contextlib.asynccontextmanager
    async def _connection(self, engine: Engine, params: dict[str, str]) -> AsyncIterator[Conn]:
        session_id = params.get("session_id")
        if session_id:
            timeout = _session_timeout(params.get("session_timeout"))
            conn = engine.claim_session(session_id, timeout=timeout, must_exist=params.get("session_check") == "1")
            try:
                yield conn
            finally:
                engine.release_session(conn)
                if params.get("close_session") == "1":
                    await self._in_thread(engine.close_session, session_id)
        else:
            conn = engine.borrow()
            try:
                yield conn
            finally:
                engine.give_back(conn)

    async def _insert(
        self,
        engine: Engine,
        conn: Conn,
        head: InsertHead,
        first: bytes,
        rest: AsyncIterator[bytes],
        request: Request,
    ) -> Outcome:
        insert = await self._in_thread(engine.begin_insert, conn, head.statement, head.format, request)
        try:
            pending = [first] if first else []
            size = len(first)
            async for chunk in rest:
                pending.append(chunk)
                size += len(chunk)
                if size >= APPEND_SIZE:
                    await self._in_thread(engine.append, conn, insert, b"".join(pending))
                    pending, size = [], 0
            if pending:
                await self._in_thread(engine.append, conn, insert, b"".join(pending))
        except BaseException:
            await self._in_thread(engine.cancel, conn, insert)
            raise
        summary = await self._in_thread(engine.finish, conn, insert)
        return Outcome(b"", None, summary)

    async def _compressed(self, body: bytes, encoding: Coding | None) -> tuple[bytes, str]:
        if encoding is None or not body:
            return body, ""
        name, make = encoding
        if len(body) <= COMPRESS_INLINE:
            return _compress_all(make(), body), name
        return await self._in_thread(_compress_all, make(), body), name

    async def _stream(
        self,
        reply: _Reply,
        outcome: Outcome,
        rows: Rows,
        encoding: Coding | None,
        receive: Receive,
    ) -> None:
        """Send a large result as it is produced; an error on the way ends it with ClickHouse's
        exception block. A client that leaves cancels the query."""
        encoder = encoding[1]() if encoding else None
        gone = asyncio.ensure_future(receive())  # the body is read: the next message is a disconnect
        try:
            await reply.start(outcome, encoding[0] if encoding else "", encoder)
            await reply.chunk(await self._in_thread(_encode, encoder, outcome.body) if encoder else outcome.body)
            while not rows.done:
                if gone.done():
                    return
                piece = await self._in_thread(_read_encoded, rows, encoder)
                if piece:
                    await reply.chunk(piece)
            await reply.end(encoder.finish() if encoder else b"")
        except ClickHouseError as exc:
            log.info("query failed mid-stream", code=exc.code, query_id=reply.query_id, message=exc.message[:300])
            await reply.error(exc)
        finally:
            gone.cancel()
            await self._in_thread(rows.close)


class _Reply:
    """One response: whole (with Content-Length) or streamed (chunked); an error before the
    start is a ClickHouse error response, after it the exception block that ends the stream."""

    def __init__(self, send: Send, query_id: str, version: str) -> None:
        self._send = send
        self.query_id = query_id
        self._version = version
        self._tag = exception_tag()
        self._encoder: Encoder | None = None
        self.started = self.finished = False

    def _headers(self, outcome: Outcome, encoding: str) -> dict[str, str | bytes]:
        headers: dict[str, str | bytes] = {
            "X-ClickHouse-Query-Id": wire.header(self.query_id),
            "X-ClickHouse-Timezone": "UTC",
            "X-ClickHouse-Server-Display-Name": "billbo-local-clickhouse",
            "X-ClickHouse-Summary": json.dumps(outcome.summary, separators=(",", ":")),
            "X-ClickHouse-Exception-Tag": self._tag,
            "Content-Type": "text/plain; charset=UTF-8",
        }
        if outcome.format is not None:
            headers["X-ClickHouse-Format"] = wire.header(outcome.format)
            headers["Content-Type"] = _CONTENT_TYPES.get(outcome.format, "application/octet-stream")
        if encoding:
            headers["Content-Encoding"] = encoding
        return headers

    async def whole(self, outcome: Outcome, body: tuple[bytes, str]) -> None:
        data, encoding = body
        self.started = self.finished = True
        await _respond(self._send, 200, data, self._headers(outcome, encoding))

    async def start(self, outcome: Outcome, encoding: str, encoder: Encoder | None) -> None:
        self.started = True
        self._encoder = encoder
        await self._send(
            {"type": "http.response.start", "status": 200, "headers": _raw_headers(self._headers(outcome, encoding))}
        )

    async def chunk(self, data: bytes) -> None:
        if data:
            await self._send({"type": "http.response.body", "body": data, "more_body": True})

    async def end(self, data: bytes) -> None:
        self.finished = True
        await self._send({"type": "http.response.body", "body": data, "more_body": False})

    async def error(self, exc: ClickHouseError) -> None:
        if self.finished:
            return
        message = exc.body(self._version)
        if not self.started:
            self.started = self.finished = True
            headers: dict[str, str | bytes] = {
                "Content-Type": "text/plain; charset=UTF-8",
                "X-ClickHouse-Exception-Code": str(exc.code),
                "X-ClickHouse-Query-Id": wire.header(self.query_id),
            }
            await _respond(self._send, exc.http_status, message, headers)
            return
        block = exception_block(message, self._tag)
        encoder = self._encoder
        await self.end(encoder.compress(block) + encoder.finish() if encoder else block)


def _encode(encoder: Encoder | None, data: bytes) -> bytes:
    return encoder.compress(data) if encoder is not None and data else data


def _read_encoded(rows: Rows, encoder: Encoder | None) -> bytes:
    return _encode(encoder, rows.read(STREAM_PIECE, within=STREAM_LATENCY))


def _compress_all(encoder: Encoder, body: bytes) -> bytes:
    return encoder.compress(body) + encoder.finish()


def _query_params(query_string: bytes) -> dict[str, str]:
    """The URL's parameters; the last of a repeated name counts, as in ClickHouse. Bytes that are
    not UTF-8 (raw or percent-encoded) are kept as ``wire`` text."""
    return dict(parse_qsl(wire.text(query_string), keep_blank_values=True, errors="surrogateescape"))


def _is_setting(name: str, *, multipart: bool) -> bool:
    """Whether a parameter is a setting. As in ClickHouse, names ending like the parameters of
    external tables are skipped only in a multipart request (where such tables can come), since
    real settings end so too (``date_time_output_format``)."""
    return (
        bool(name)
        and name not in TRANSPORT_PARAMS
        and not name.startswith("param_")
        and not (multipart and name.endswith(_EXTERNAL_SUFFIXES))
    )


def _response_buffer(params: dict[str, str]) -> int | None:
    """How much output is held before the response starts, so that an error up to there still
    gets its status code: ``buffer_size`` (or ``http_response_buffer_size``) when the request
    sets it, 1 MiB when not (ClickHouse's default 0 sends each block as it comes), everything
    with ``wait_end_of_query=1``."""
    wait = params.get("wait_end_of_query", params.get("http_wait_end_of_query", "0"))
    if wait.strip().lower() in ("1", "true"):
        return None
    size = params.get("buffer_size", params.get("http_response_buffer_size", "")).strip()
    if not size:
        return RESPONSE_BUFFER
    if not size.isdigit():
        raise coded(27, "CANNOT_PARSE_INPUT_ASSERTION_FAILED", f"Cannot parse buffer size {size[:50]!r}")
    return max(1, int(size))  # at least the first block: an error before any output keeps its status


def _compression_level(params: dict[str, str]) -> int:
    level = params.get("http_zlib_compression_level", "3").strip()
    return min(int(level), 9) if level.isdigit() else 3


def _session_timeout(value: str | None) -> float:
    try:
        timeout = float(value or 60)
    except ValueError:
        raise bad_request("Invalid session timeout") from None
    if not 0 <= timeout <= MAX_SESSION_TIMEOUT:  # also refuses NaN
        raise coded(
            374,
            "INVALID_SESSION_TIMEOUT",
            f"Session timeout {timeout} is larger than max_session_timeout: {MAX_SESSION_TIMEOUT:.0f}",
        )
    return timeout


def _external_tables(files: list[FilePart], params: dict[str, str]) -> tuple[ExternalTable, ...]:
    """The query's external data, as ClickHouse's HTTP interface takes it: each file of the form
    is a table named by its field, with ``<name>_structure`` (``id UInt32, s String``) or
    ``<name>_types`` (``UInt32,String``: columns ``_1``, ``_2``...) and ``<name>_format``."""
    tables = []
    for part in files:
        name = part.name
        structure = params.get(f"{name}_structure", "").strip()
        types = params.get(f"{name}_types", "").strip()
        if not structure and types:
            structure = ", ".join(f"_{i} {t}" for i, t in enumerate(_split_types(types), 1))
        if not structure:
            raise bad_request(
                f"Neither structure nor types have not been provided for external table {name}. "
                f"Use fields {name}_structure or {name}_types to do so"
            )
        fmt = wire.param(params.get(f"{name}_format", "").strip() or "TabSeparated")
        tables.append(ExternalTable(name, structure, fmt, part.data))
    return tuple(tables)


def _split_types(types: str) -> list[str]:
    """``UInt32, Tuple(a UInt8, b String), Enum('x' = 1)`` split at its top-level commas."""
    parts, depth, start = [], 0, 0
    try:
        for token in tokens(types):
            if token.text == "(":
                depth += 1
            elif token.text == ")":
                depth -= 1
            elif token.text == "," and depth == 0:
                parts.append(types[start : token.start].strip())
                start = token.end
    except IncompleteInput:
        raise bad_request(f"Cannot parse the types of an external table: {types[:100]}") from None
    parts.append(types[start:].strip())
    if not all(parts):
        raise bad_request(f"Cannot parse the types of an external table: {types[:100]}")
    return parts


def _insert_head(query: str) -> InsertHead | None:
    try:
        return find_insert_data(query, complete=True)
    except IncompleteInput:  # empty, or it ends inside a quote: the engine says what is wrong
        return None


async def _empty() -> AsyncIterator[bytes]:
    nothing: tuple[bytes, ...] = ()
    for chunk in nothing:
        yield chunk


async def _read_insert_head(body: AsyncIterator[bytes]) -> tuple[InsertHead | None, bytes]:
    """Read just enough of a body to tell whether it is ``INSERT ... FORMAT x`` plus data."""
    buffered = b""
    async for chunk in body:
        buffered += chunk
        try:
            return _as_utf8(find_insert_data(buffered.decode("latin-1"))), buffered
        except IncompleteInput:
            if len(buffered) > MAX_INSERT_HEAD:
                raise bad_request("The INSERT statement before the data is too long") from None
    if not buffered:
        return None, b""
    try:
        return _as_utf8(find_insert_data(buffered.decode("latin-1"), complete=True)), buffered
    except IncompleteInput:
        return None, buffered  # the engine reports the unterminated text as a syntax error


def _as_utf8(head: InsertHead | None) -> InsertHead | None:
    """Scanning bytes as latin-1 keeps byte offsets; the statement itself is ``wire`` text."""
    if head is None:
        return None
    return dataclasses.replace(head, statement=wire.text(head.statement.encode("latin-1")))


def _raw_headers(headers: dict[str, str | bytes]) -> list[tuple[bytes, bytes]]:
    raw = [(k.encode("latin-1"), v if isinstance(v, bytes) else v.encode("latin-1")) for k, v in headers.items()]
    raw.append((b"keep-alive", f"timeout={KEEP_ALIVE_SECONDS}".encode()))
    return raw


async def _respond(send: Send, status: int, body: bytes, headers: dict[str, str | bytes]) -> None:
    raw_headers = _raw_headers(headers)
    raw_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
