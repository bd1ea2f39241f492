"""The ASGI application: ClickHouse's HTTP interface in front of the chDB engine."""

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

from billbo.clickhouse.local_server.body import (
    decoded_chunks,
    parse_multipart,
    read_all,
)
from billbo.clickhouse.local_server.engine import TRANSPORT_PARAMS, Conn, Engine, Outcome, Request
from billbo.clickhouse.local_server.errors import ClickHouseError, bad_request
from billbo.clickhouse.sql_lexer import IncompleteInput, InsertHead, find_insert_data
from billbo.http.asgi import ClientGone

log = structlog.stdlib.get_logger("billbo.clickhouse.local_server")

Scope = dict[str, Any]
Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]
Receive = Callable[[], Awaitable[Message]]
T = TypeVar("T")

MAX_INSERT_HEAD = 1 << 20  # an INSERT statement before its data may not be longer than 1 MiB
APPEND_SIZE = 1 << 20  # hand data to chDB in pieces of about 1 MiB
KEEP_ALIVE_SECONDS = 30

_CONTENT_TYPES = {
    "TabSeparated": "text/tab-separated-values; charset=UTF-8",
    "TSV": "text/tab-separated-values; charset=UTF-8",
    "CSV": "text/csv; charset=UTF-8; header=absent",
    "JSON": "application/json; charset=UTF-8",
    "JSONEachRow": "application/x-ndjson; charset=UTF-8",
}


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

    async def _in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, *args))

    # -- requests ------------------------------------------------------------------------------

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = scope["path"], scope["method"]
        if path in ("/", "/ping") and method in ("GET", "HEAD") and not scope["query_string"]:
            await _respond(send, 200, b"Ok.\n", {"Content-Type": "text/plain; charset=UTF-8"})
            return
        if path not in ("/", "/query"):
            await _respond(send, 404, b"Not found\n", {})
            return
        params = dict(parse_qsl(scope["query_string"].decode(), keep_blank_values=True))
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query_id = params.get("query_id") or str(uuid.uuid4())
        engine = self.engine
        assert engine is not None, "requests arrive only after startup"
        try:
            outcome = await self._run(engine, method, params, headers, receive)
        except ClickHouseError as exc:
            log.info("query failed", code=exc.code, query_id=query_id, message=exc.message[:300])
            await _respond(
                send,
                exc.http_status,
                exc.body(engine.version),
                {
                    "Content-Type": "text/plain; charset=UTF-8",
                    "X-ClickHouse-Exception-Code": str(exc.code),
                    "X-ClickHouse-Query-Id": query_id,
                },
            )
            return
        except ClientGone:
            return
        response_headers = {
            "X-ClickHouse-Query-Id": query_id,
            "X-ClickHouse-Timezone": "UTC",
            "X-ClickHouse-Server-Display-Name": "billbo-local-clickhouse",
            "X-ClickHouse-Summary": json.dumps(outcome.summary, separators=(",", ":")),
            "Content-Type": "text/plain; charset=UTF-8",
        }
        if outcome.format is not None:
            response_headers["X-ClickHouse-Format"] = outcome.format
            response_headers["Content-Type"] = _CONTENT_TYPES.get(outcome.format, "application/octet-stream")
        await _respond(send, 200, outcome.body, response_headers)

    async def _run(
        self,
        engine: Engine,
        method: str,
        params: dict[str, str],
        headers: dict[str, str],
        receive: Receive,
    ) -> Outcome:
        body = decoded_chunks(receive, headers.get("content-encoding", ""))
        content_type = headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            params.update(parse_multipart(content_type, await read_all(body)))
            body = _empty()
        request = Request(
            database=params.get("database") or headers.get("x-clickhouse-database") or None,
            settings={k: v for k, v in params.items() if k not in TRANSPORT_PARAMS and not k.startswith("param_")},
            params={k[6:]: v for k, v in params.items() if k.startswith("param_")},
            default_format=params.get("default_format") or headers.get("x-clickhouse-format") or "TabSeparated",
            readonly=method == "GET",
        )
        async with self._connection(engine, params) as conn:
            query = params.get("query")
            if query is not None:
                head = find_insert_data(query, complete=True)
                if head is not None:
                    return await self._insert(engine, conn, head, b"", body, request)
                rest = await read_all(body)
                sql = query + ("\n" + rest.decode() if rest else "")
            else:
                head, buffered = await _read_insert_head(body)
                if head is not None:
                    data = buffered[head.data_start :]
                    return await self._insert(engine, conn, head, data, body, request)
                sql = (buffered + await read_all(body)).decode()
            if not sql.strip():
                raise ClickHouseError(62, "Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)")
            return await self._in_thread(engine.execute, conn, sql, request)

    @contextlib.asynccontextmanager
    async def _connection(self, engine: Engine, params: dict[str, str]) -> AsyncIterator[Conn]:
        session_id = params.get("session_id")
        if session_id:
            try:
                timeout = float(params.get("session_timeout") or 60)
            except ValueError:
                raise bad_request("Invalid session timeout") from None
            conn = engine.claim_session(session_id, timeout=timeout, must_exist=params.get("session_check") == "1")
            try:
                yield conn
            finally:
                engine.release_session(conn)
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
    """Scanning bytes as latin-1 keeps byte offsets; the statement itself is UTF-8."""
    if head is None:
        return None
    try:
        statement = head.statement.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("The INSERT statement is not valid UTF-8") from None
    return dataclasses.replace(head, statement=statement)


async def _respond(send: Send, status: int, body: bytes, headers: dict[str, str]) -> None:
    raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    raw_headers.append((b"content-length", str(len(body)).encode()))
    raw_headers.append((b"keep-alive", f"timeout={KEEP_ALIVE_SECONDS}".encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
