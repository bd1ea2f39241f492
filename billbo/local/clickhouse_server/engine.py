"""chDB connections for the local server: a pool for plain requests, one connection per session.

Each chDB connection to the same data directory is an independent query context (its own
settings, current database and temporary tables) over one shared engine, and connections run
queries concurrently. That maps onto ClickHouse's HTTP sessions directly: a request with a
``session_id`` gets that session's own connection, every other request borrows one from a pool.
A SELECT runs as a chDB streaming query (``Rows``), so a large result reaches the client as it is
produced; external data becomes temporary tables on the connection for one statement.
All methods here block; the HTTP layer calls them from worker threads.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from billbo.clickhouse.sql_lexer import IncompleteInput, output_format, tokens
from billbo.local.clickhouse_server import wire
from billbo.local.clickhouse_server.errors import (
    ClickHouseError,
    bad_request,
    readonly,
    session_locked,
    session_not_found,
    syntax_error,
)

_chdb: Any = importlib.import_module("chdb._chdb")  # the C extension: no type information

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# What chDB raises: RuntimeError with ClickHouse's message, or the UnicodeDecodeError of turning a
# message that quotes non-UTF-8 query bytes into ``str``.
_ENGINE_ERRORS = (RuntimeError, UnicodeDecodeError)

# Statements chDB can stream (``send_query``); chDB refuses the others (SHOW, DESCRIBE, EXPLAIN...).
_STREAMABLE = frozenset({"SELECT", "WITH", "("})
# chDB writes each piece of a streamed result as a whole output of its format, so only formats
# without a header or footer (or anything between blocks) can be streamed: the same bytes as the
# buffered result (checked format by format, also WITH TOTALS and extremes). The others (JSON,
# Arrow, Parquet, *WithNames..., Pretty...) are run whole.
_STREAMABLE_FORMATS = frozenset(
    {
        "native",
        "tabseparated",
        "tsv",
        "tsvraw",
        "tabseparatedraw",
        "raw",
        "csv",
        "rowbinary",
        "jsoneachrow",
        "jsonlines",
        "ndjson",
        "jsoncompacteachrow",
        "jsonstringseachrow",
        "lineasstring",
        "rawblob",
        "msgpack",
        "null",
    }
)
_NOT_STREAMABLE = "Streaming query is not supported"

# Query-string parameters of the HTTP interface that are not ClickHouse settings.
TRANSPORT_PARAMS = frozenset(
    {
        "query",
        "database",
        "default_format",
        "session_id",
        "session_timeout",
        "session_check",
        "query_id",
        "user",
        "password",
        "quota_key",
        "compress",
        "decompress",
        "buffer_size",
        "wait_end_of_query",
        "client_protocol_version",
        "enable_http_compression",
        "http_zlib_compression_level",
        "send_progress_in_http_headers",
        "http_headers_progress_interval_ms",
        "cancel_http_readonly_queries_on_client_close",
        "http_native_compression_disable_checksumming_on_decompress",
        "role",
        "stacktrace",
        "close_session",
    }
)

ROW_RETURNING = "READ_ONLY"
_GET_IS_READONLY = (
    "Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. "
    "You should use method POST for modifying queries"
)


@dataclass(eq=False)
class Conn:
    """One chDB connection and the state the server tracks for it."""

    raw: Any
    database: str = "default"  # the connection's current database
    session_database: str = "default"  # a session's own, which USE changes; a request's lasts one query
    session_id: str | None = None
    timeout: float = 60.0
    last_used: float = field(default_factory=time.monotonic)
    busy: bool = False
    settings: dict[str, str] = field(default_factory=dict)  # applied by URL, on pooled connections
    broken: bool = False  # its state is unknown after a failed SET: closed, not reused


@dataclass(frozen=True, slots=True)
class ExternalTable:
    """External data sent with a query: a temporary table for that query only."""

    name: str
    structure: str  # the column list, as CREATE TABLE takes it
    format: str
    data: bytes


@dataclass(slots=True)
class Outcome:
    body: bytes  # the whole output, or its beginning while ``rows`` streams the rest
    format: str | None  # set when the statement returns rows
    summary: dict[str, str]
    rows: Rows | None = None


@dataclass(frozen=True, slots=True)
class Request:
    """What a statement runs with, taken from the HTTP request."""

    database: str | None
    settings: Mapping[str, str]
    params: Mapping[str, str]
    default_format: str
    readonly: bool = False
    externals: tuple[ExternalTable, ...] = ()


class Engine:
    """The chDB engine of one data directory, shared by the pool and the sessions."""

    def __init__(self, path: str, *, max_sessions: int = 512) -> None:
        self._dsn = f"file:{path}"
        self._lock = threading.Lock()
        self._idle: list[Conn] = []
        self._sessions: dict[str, Conn] = {}
        self._max_sessions = max_sessions
        self._closed = False
        first = self._open()
        self.version = first.raw.query("SELECT version()", "TSV", params={}).bytes().decode().strip()
        self._idle.append(first)

    # -- connections ---------------------------------------------------------------------------

    def _open(self) -> Conn:
        return Conn(raw=_chdb.connect(self._dsn))

    def borrow(self) -> Conn:
        with self._lock:
            if self._closed:
                raise ClickHouseError(210, "Code: 210. DB::Exception: Server is shutting down.")
            if self._idle:
                return self._idle.pop()
        return self._open()

    def give_back(self, conn: Conn) -> None:
        with self._lock:
            if not (self._closed or conn.broken):
                self._idle.append(conn)
                return
        conn.raw.close()

    def claim_session(self, session_id: str, *, timeout: float, must_exist: bool) -> Conn:
        """The session's connection, created on first use; one request at a time per session."""
        if not session_id or len(session_id) > 256:
            raise bad_request("Invalid session_id")
        with self._lock:
            conn = self._sessions.get(session_id)
            if conn is None:
                if must_exist:
                    raise session_not_found(session_id)
                if len(self._sessions) >= self._max_sessions:
                    raise ClickHouseError(
                        202, "Code: 202. DB::Exception: Too many sessions. (TOO_MANY_SIMULTANEOUS_QUERIES)"
                    )
                conn = self._open()
                conn.session_id = session_id
                self._sessions[session_id] = conn
            if conn.busy:
                raise session_locked(session_id)
            conn.busy = True
            conn.timeout = timeout
            return conn

    def release_session(self, conn: Conn) -> None:
        with self._lock:
            conn.busy = False
            conn.last_used = time.monotonic()

    def close_session(self, session_id: str) -> None:
        """End a session now (``close_session=1``); a busy one ends when it expires."""
        with self._lock:
            conn = self._sessions.get(session_id)
            if conn is None or conn.busy:
                return
            del self._sessions[session_id]
        conn.raw.close()

    def expire_sessions(self, now: float | None = None) -> int:
        """Close sessions idle for longer than their timeout; returns how many were closed."""
        now = time.monotonic() if now is None else now
        with self._lock:
            expired = [c for c in self._sessions.values() if not c.busy and now - c.last_used > c.timeout]
            for conn in expired:
                del self._sessions[conn.session_id or ""]
        for conn in expired:
            conn.raw.close()
        return len(expired)

    @property
    def session_count(self) -> int:
        return len(self._sessions)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            conns = [*self._idle, *self._sessions.values()]
            self._idle.clear()
            self._sessions.clear()
        for conn in conns:
            conn.raw.close()

    # -- statements ----------------------------------------------------------------------------

    def execute(self, conn: Conn, sql: str, request: Request, *, first: int | None = None) -> Outcome:
        """Run one SQL statement and return its output the way the HTTP interface would.

        A SELECT runs as a chDB streaming query: when its output grows past ``first`` bytes the
        outcome holds that much and an open ``Rows`` for the rest (which the caller must close).
        ``first=None`` reads everything."""
        kind, count = _classify(conn, sql)
        if count == 0:
            return _unparsed(conn, sql, request)
        if request.readonly and kind != ROW_RETURNING:
            raise readonly(_GET_IS_READONLY)
        word = _first_word(sql)
        if kind == "CONTROL" and conn.session_id is None and word in {"SET", "USE"}:
            # Without a session a SET or USE lasts for that one request: nothing to keep.
            return Outcome(b"", None, {})
        fmt = _output_format(sql, request.default_format) if kind == ROW_RETURNING else None
        cleanup = _prepare(conn, request)
        try:
            if kind == ROW_RETURNING and _streamable(sql, word, fmt, request):
                rows = _start_rows(conn, sql, request, cleanup)
                if rows is not None:
                    cleanup = _nothing  # the rows own it now
                    return _read_first(rows, fmt, first)
            try:
                result = conn.raw.query(wire.sql(sql), request.default_format, params=_params(request))
            except _ENGINE_ERRORS as exc:
                raise ClickHouseError.from_engine(exc) from None
        finally:
            cleanup()
        if kind == "CONTROL" and word == "USE":
            conn.database = conn.session_database = _current_database(conn)
        return Outcome(body=result.bytes() or b"", format=fmt, summary=_summary(result))

    def begin_insert(self, conn: Conn, statement: str, fmt: str, request: Request) -> Any:
        """Start a streaming INSERT; feed it with ``append`` and end it with ``finish``."""
        if request.readonly:
            raise readonly(_GET_IS_READONLY)
        _classify(conn, f"{statement} FORMAT {fmt}")
        restore = _apply_settings(conn, request)
        try:
            return _Insert(conn.raw.send_insert(wire.sql(statement), fmt), restore)
        except _ENGINE_ERRORS as exc:
            restore()
            raise ClickHouseError.from_engine(exc) from None

    @staticmethod
    def append(conn: Conn, insert: _Insert, data: bytes) -> None:
        try:
            conn.raw.insert_append(insert.handle, data)
        except _ENGINE_ERRORS as exc:
            raise ClickHouseError.from_engine(exc) from None

    @staticmethod
    def finish(conn: Conn, insert: _Insert) -> dict[str, str]:
        try:
            result = conn.raw.insert_done(insert.handle)
        except _ENGINE_ERRORS as exc:
            raise ClickHouseError.from_engine(exc) from None
        finally:
            insert.restore()
        return _summary(result)

    @staticmethod
    def cancel(conn: Conn, insert: _Insert) -> None:
        try:
            conn.raw.insert_cancel(insert.handle)
        except _ENGINE_ERRORS:
            pass  # the insert had already failed; there is nothing left to cancel
        finally:
            insert.restore()


@dataclass(slots=True)
class _Insert:
    handle: Any
    restore: Any


def _classify(conn: Conn, sql: str) -> tuple[str, int]:
    """The statement's query class and how many statements the text holds (0: it does not parse)."""
    try:
        info = conn.raw.classify_query(wire.sql(sql))
    except _ENGINE_ERRORS as exc:
        raise ClickHouseError.from_engine(exc) from None
    if info["statement_count"] > 1:
        raise ClickHouseError(
            62,
            "Code: 62. DB::Exception: Syntax error (Multi-statements are not allowed). (SYNTAX_ERROR)",
        )
    return str(info["query_class"].name), int(info["statement_count"])


def _unparsed(conn: Conn, sql: str, request: Request) -> Outcome:
    """Text that is no statement: chDB's own error says why, if it has one."""
    if not _first_word(sql):
        raise ClickHouseError(62, "Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)")
    with _applied(conn, request):
        try:
            conn.raw.query(wire.sql(sql), request.default_format, params=_params(request))
        except _ENGINE_ERRORS as exc:
            raise ClickHouseError.from_engine(exc) from None
    # chDB runs nothing for some text that does not parse (bytes that are no UTF-8 at all).
    snippet = sql[:30]
    raise syntax_error(f"Syntax error: failed at position 1 ({snippet}): {snippet}. Unrecognized token")


def _first_word(sql: str) -> str:
    try:
        first = next(tokens(sql), None)
    except IncompleteInput:
        return "?"
    return first.text.upper() if first is not None else ""


def _output_format(sql: str, default: str) -> str:
    try:
        return output_format(sql) or default
    except IncompleteInput:
        return default


def _params(request: Request) -> dict[str, str]:
    return {wire.param(k): wire.param(v) for k, v in request.params.items()}


def _current_database(conn: Conn) -> str:
    return wire.text(_run(conn, "SELECT currentDatabase()")).strip()


class _applied:
    """Apply a request's database and settings to a connection for one statement."""

    def __init__(self, conn: Conn, request: Request) -> None:
        self._conn, self._request = conn, request

    def __enter__(self) -> None:
        self._restore = _apply_settings(self._conn, self._request)

    def __exit__(self, *exc: object) -> None:
        self._restore()


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _run(conn: Conn, sql: str, params: Mapping[str, str] | None = None) -> bytes:
    try:
        return conn.raw.query(wire.sql(sql), "TSV", params=dict(params or {})).bytes() or b""
    except _ENGINE_ERRORS as exc:
        raise ClickHouseError.from_engine(exc) from None


def _apply_settings(conn: Conn, request: Request) -> Callable[[], None]:
    """Switch database and settings for one statement; returns the function that undoes it.
    The database needs no undoing: every statement switches to the one it needs (the request's,
    else the session's own, else ``default``) when the connection is elsewhere."""
    database = request.database or (conn.session_database if conn.session_id else "default")
    if database != conn.database:
        if not _IDENTIFIER.match(database):
            raise bad_request(f"Invalid database name {database!r}")
        _run(conn, f"USE {database}")
        conn.database = database
    settings = dict(request.settings)
    for name in settings:
        if not _IDENTIFIER.match(name):
            raise bad_request(f"Invalid setting name {name!r}")
    if conn.session_id is None:
        return _apply_pooled(conn, settings)
    if not settings:
        return _nothing
    return _apply_in_session(conn, settings)


def _apply_pooled(conn: Conn, settings: dict[str, str]) -> Callable[[], None]:
    """A pooled connection keeps the last request's settings, so a client that sends the same
    settings every time (clickhouse-connect does) costs no extra statement; anything the request
    does not set goes back to its default."""
    changes = [f"{k} = {_quote(v)}" for k, v in settings.items() if conn.settings.get(k) != v]
    resets = [f"{k} = DEFAULT" for k in conn.settings if k not in settings]
    if changes or resets:
        try:
            _run(conn, "SET " + ", ".join(changes + resets))
        except ClickHouseError:
            conn.broken = True
            raise
        conn.settings = settings
    return _nothing


def _apply_in_session(conn: Conn, settings: dict[str, str]) -> Callable[[], None]:
    """In a session, URL settings last for one statement, on top of the session's own SETs."""
    rows = _run(
        conn,
        "SELECT name, value FROM system.settings WHERE name IN {names:Array(String)}",
        {"names": "[" + ",".join(_quote(n) for n in settings) + "]"},
    )
    before = dict(line.split("\t", 1) for line in wire.text(rows).splitlines())
    unknown = set(settings) - before.keys()
    if unknown:
        name = sorted(unknown)[0]
        raise ClickHouseError(115, f"Code: 115. DB::Exception: Unknown setting '{name}'. (UNKNOWN_SETTING)")
    _run(conn, "SET " + ", ".join(f"{k} = {_quote(v)}" for k, v in settings.items()))

    def restore() -> None:
        _run(conn, "SET " + ", ".join(f"{k} = {_quote(_unescape_tsv(before[k]))}" for k in settings))

    return restore


def _nothing() -> None:
    return None


_TSV_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "0": "\0", "b": "\b", "f": "\f"}
_TSV_ESCAPE = re.compile(r"\\(.)", re.S)


def _unescape_tsv(value: str) -> str:
    return _TSV_ESCAPE.sub(lambda m: _TSV_ESCAPES.get(m.group(1), m.group(1)), value)


def _summary(result: Any) -> dict[str, str]:
    """X-ClickHouse-Summary of a finished chDB query or insert."""

    def get(name: str) -> int:
        return int(getattr(result, name)()) if hasattr(result, name) else 0

    return summary(
        read_rows=get("storage_rows_read"),
        read_bytes=get("storage_bytes_read"),
        written_rows=get("rows_written"),
        written_bytes=get("bytes_written"),
        result_rows=get("rows_read"),
        result_bytes=get("bytes_read"),
        elapsed=float(result.elapsed()),
    )


def summary(
    *,
    read_rows: int = 0,
    read_bytes: int = 0,
    written_rows: int = 0,
    written_bytes: int = 0,
    result_rows: int = 0,
    result_bytes: int = 0,
    elapsed: float = 0.0,
) -> dict[str, str]:
    return {
        "read_rows": str(read_rows),
        "read_bytes": str(read_bytes),
        "written_rows": str(written_rows),
        "written_bytes": str(written_bytes),
        "total_rows_to_read": str(read_rows),
        "result_rows": str(result_rows),
        "result_bytes": str(result_bytes),
        "elapsed_ns": str(int(elapsed * 1e9)),
    }


# -- streamed SELECTs and external data --------------------------------------------------------


class Rows:
    """A SELECT that chDB runs as a streaming query, read piece by piece. ``close`` ends it
    (cancelling it if unread), then undoes the request's settings and drops its external data."""

    def __init__(self, conn: Conn, handle: Any, cleanup: Callable[[], None]) -> None:
        self._conn, self._handle = conn, handle
        self._cleanup: Callable[[], None] | None = cleanup
        self._started = time.monotonic()
        self.done = False
        self._clean_end = False
        self._read_rows = self._read_bytes = self._result_rows = self._result_bytes = 0

    def read(self, limit: int, *, within: float | None = None) -> bytes:
        """The next output: ``limit`` bytes of it or more, unless the query ends first or, with
        ``within``, some output is there and that many seconds have passed."""
        pieces: list[bytes] = []
        size = 0
        deadline = time.monotonic() + within if within is not None else None
        while size < limit and not self.done:
            if deadline is not None and size and time.monotonic() > deadline:
                break
            try:
                result = self._conn.raw.streaming_fetch_result(self._handle)
            except _ENGINE_ERRORS as exc:
                self.done = True
                raise ClickHouseError.from_engine(exc) from None
            data = result.bytes() if result is not None else None
            rows = result.rows_read() if result is not None else 0
            if not data and not rows:
                self.done = self._clean_end = True
                break
            self._result_rows += rows
            self._result_bytes += result.bytes_read()
            self._read_rows += result.storage_rows_read()
            self._read_bytes += result.storage_bytes_read()
            if data:
                pieces.append(data)
                size += len(data)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def summary(self) -> dict[str, str]:
        return summary(
            read_rows=self._read_rows,
            read_bytes=self._read_bytes,
            result_rows=self._result_rows,
            result_bytes=self._result_bytes,
            elapsed=time.monotonic() - self._started,
        )

    def close(self) -> None:
        cleanup, self._cleanup = self._cleanup, None
        if cleanup is None:
            return
        try:
            if not self._clean_end:
                with contextlib.suppress(*_ENGINE_ERRORS):
                    self._conn.raw.streaming_cancel_query(self._handle)
                self.done = True
        finally:
            cleanup()


def _streamable(sql: str, word: str, fmt: str | None, request: Request) -> bool:
    if word not in _STREAMABLE or fmt is None or fmt.lower() not in _STREAMABLE_FORMATS:
        return False
    # JSONEachRow as one array has a header and a footer too
    return "array_of_rows" not in sql and "output_format_json_array_of_rows" not in request.settings


def _start_rows(conn: Conn, sql: str, request: Request, cleanup: Callable[[], None]) -> Rows | None:
    try:
        handle = conn.raw.send_query(wire.sql(sql), request.default_format, params=_params(request))
    except _ENGINE_ERRORS as exc:
        error = ClickHouseError.from_engine(exc)
        if _NOT_STREAMABLE in error.message:
            return None
        raise error from None
    return Rows(conn, handle, cleanup)


def _read_first(rows: Rows, fmt: str | None, first: int | None) -> Outcome:
    """Read a streamed SELECT up to ``first`` bytes; close it if that was all of it."""
    try:
        body = rows.read(first if first is not None else 1 << 62)
    except BaseException:
        rows.close()
        raise
    if rows.done:
        rows.close()
        return Outcome(body, fmt, rows.summary())
    return Outcome(body, fmt, rows.summary(), rows)


def _prepare(conn: Conn, request: Request) -> Callable[[], None]:
    """Apply the request's database and settings and load its external data; returns the
    function that undoes both."""
    restore = _apply_settings(conn, request)
    if not request.externals:
        return restore
    try:
        dropping = _create_externals(conn, request.externals)
    except BaseException:
        restore()
        raise

    def undo() -> None:
        try:
            dropping()
        finally:
            restore()

    return undo


def _backquote(name: str) -> str:
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def _create_externals(conn: Conn, tables: tuple[ExternalTable, ...]) -> Callable[[], None]:
    created: list[str] = []

    def drop() -> None:
        try:
            for name in created:
                _run(conn, f"DROP TEMPORARY TABLE IF EXISTS {name}")
        except ClickHouseError:
            conn.broken = True
            raise

    try:
        for table in tables:
            name = _backquote(table.name)
            create = f"CREATE TEMPORARY TABLE {name} ({table.structure})"
            if _classify(conn, create)[1] != 1:
                raise bad_request(f"Invalid structure for external table {table.name}")
            _run(conn, create)
            created.append(name)
            _load(conn, name, table.format, table.data)
    except BaseException:
        drop()
        raise
    return drop


def _load(conn: Conn, table: str, fmt: str, data: bytes) -> None:
    try:
        handle = conn.raw.send_insert(wire.sql(f"INSERT INTO {table}"), fmt)
    except _ENGINE_ERRORS as exc:
        raise ClickHouseError.from_engine(exc) from None
    try:
        conn.raw.insert_append(handle, data)
        conn.raw.insert_done(handle)
    except _ENGINE_ERRORS as exc:
        with contextlib.suppress(*_ENGINE_ERRORS):
            conn.raw.insert_cancel(handle)
        raise ClickHouseError.from_engine(exc) from None
