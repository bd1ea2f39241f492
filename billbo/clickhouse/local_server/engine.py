"""chDB connections for the local server: a pool for plain requests, one connection per session.

Each chDB connection to the same data directory is an independent query context (its own
settings, current database and temporary tables) over one shared engine, and connections run
queries concurrently. That maps onto ClickHouse's HTTP sessions directly: a request with a
``session_id`` gets that session's own connection, every other request borrows one from a pool.
All methods here block; the HTTP layer calls them from worker threads.
"""

from __future__ import annotations

import importlib
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from billbo.clickhouse.local_server.errors import (
    ClickHouseError,
    bad_request,
    readonly,
    session_locked,
    session_not_found,
)
from billbo.clickhouse.sql_lexer import output_format, tokens

_chdb: Any = importlib.import_module("chdb._chdb")  # the C extension: no type information

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Query-string parameters of the HTTP interface that are not ClickHouse settings.
TRANSPORT_PARAMS = frozenset(
    {
        "query", "database", "default_format", "session_id", "session_timeout", "session_check",
        "query_id", "user", "password", "quota_key", "compress", "decompress", "buffer_size",
        "wait_end_of_query", "client_protocol_version", "enable_http_compression",
        "http_zlib_compression_level", "send_progress_in_http_headers",
        "http_headers_progress_interval_ms", "cancel_http_readonly_queries_on_client_close",
        "http_native_compression_disable_checksumming_on_decompress", "role", "stacktrace",
    }
)  # fmt: skip

ROW_RETURNING = "READ_ONLY"


@dataclass(eq=False)
class Conn:
    """One chDB connection and the state the server tracks for it."""

    raw: Any
    database: str = "default"
    session_id: str | None = None
    timeout: float = 60.0
    last_used: float = field(default_factory=time.monotonic)
    busy: bool = False
    settings: dict[str, str] = field(default_factory=dict)  # applied by URL, on pooled connections
    broken: bool = False  # its state is unknown after a failed SET: closed, not reused


@dataclass(frozen=True, slots=True)
class Outcome:
    body: bytes
    format: str | None  # set when the statement returns rows
    summary: dict[str, str]


@dataclass(frozen=True, slots=True)
class Request:
    """What a statement runs with, taken from the HTTP request."""

    database: str | None
    settings: Mapping[str, str]
    params: Mapping[str, str]
    default_format: str
    readonly: bool = False


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

    def execute(self, conn: Conn, sql: str, request: Request) -> Outcome:
        """Run one SQL statement and return its output the way the HTTP interface would."""
        kind = _classify(conn, sql)
        if request.readonly and kind != ROW_RETURNING:
            raise readonly("Cannot execute query in readonly mode (GET requests are read-only)")
        if kind == "CONTROL" and conn.session_id is None and _first_word(sql) in {"SET", "USE"}:
            # Without a session a SET or USE lasts for that one request: nothing to keep.
            return Outcome(b"", None, {})
        with _applied(conn, request):
            try:
                result = conn.raw.query(sql, request.default_format, params=dict(request.params))
            except RuntimeError as exc:
                raise ClickHouseError.from_engine(exc) from None
        if kind == "CONTROL" and _first_word(sql) == "USE":
            conn.database = _current_database(conn)
        return Outcome(
            body=result.bytes() or b"",
            format=_output_format(sql, request.default_format) if kind == ROW_RETURNING else None,
            summary=_summary(result, read=True),
        )

    def begin_insert(self, conn: Conn, statement: str, fmt: str, request: Request) -> Any:
        """Start a streaming INSERT; feed it with ``append`` and end it with ``finish``."""
        if request.readonly:
            raise readonly("Cannot execute query in readonly mode (GET requests are read-only)")
        _classify(conn, f"{statement} FORMAT {fmt}")
        restore = _apply_settings(conn, request)
        try:
            return _Insert(conn.raw.send_insert(statement, fmt), restore)
        except RuntimeError as exc:
            restore()
            raise ClickHouseError.from_engine(exc) from None

    @staticmethod
    def append(conn: Conn, insert: _Insert, data: bytes) -> None:
        try:
            conn.raw.insert_append(insert.handle, data)
        except RuntimeError as exc:
            raise ClickHouseError.from_engine(exc) from None

    @staticmethod
    def finish(conn: Conn, insert: _Insert) -> dict[str, str]:
        try:
            result = conn.raw.insert_done(insert.handle)
        except RuntimeError as exc:
            raise ClickHouseError.from_engine(exc) from None
        finally:
            insert.restore()
        return _summary(result, read=False)

    @staticmethod
    def cancel(conn: Conn, insert: _Insert) -> None:
        try:
            conn.raw.insert_cancel(insert.handle)
        except RuntimeError:
            pass  # the insert had already failed; there is nothing left to cancel
        finally:
            insert.restore()


@dataclass(slots=True)
class _Insert:
    handle: Any
    restore: Any


def _classify(conn: Conn, sql: str) -> str:
    try:
        info = conn.raw.classify_query(sql)
    except RuntimeError as exc:
        raise ClickHouseError.from_engine(exc) from None
    if info["statement_count"] > 1:
        raise ClickHouseError(
            62,
            "Code: 62. DB::Exception: Syntax error (Multi-statements are not allowed). (SYNTAX_ERROR)",
        )
    return str(info["query_class"].name)


def _first_word(sql: str) -> str:
    first = next(tokens(sql), None)
    return first.text.upper() if first is not None else ""


def _output_format(sql: str, default: str) -> str:
    return output_format(sql) or default


def _current_database(conn: Conn) -> str:
    return str(conn.raw.query("SELECT currentDatabase()", "TSV", params={}).bytes().decode().strip())


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
        return conn.raw.query(sql, "TSV", params=dict(params or {})).bytes() or b""
    except RuntimeError as exc:
        raise ClickHouseError.from_engine(exc) from None


def _apply_settings(conn: Conn, request: Request) -> Any:
    """Switch database and settings for one statement; returns the function that undoes it."""
    database = request.database or ("default" if conn.session_id is None else conn.database)
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


def _apply_pooled(conn: Conn, settings: dict[str, str]) -> Any:
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


def _apply_in_session(conn: Conn, settings: dict[str, str]) -> Any:
    """In a session, URL settings last for one statement, on top of the session's own SETs."""
    rows = _run(
        conn,
        "SELECT name, value FROM system.settings WHERE name IN {names:Array(String)}",
        {"names": "[" + ",".join(_quote(n) for n in settings) + "]"},
    )
    before = dict(line.split("\t", 1) for line in rows.decode().splitlines())
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


def _summary(result: Any, *, read: bool) -> dict[str, str]:
    rows_read = result.rows_read() if read else 0
    bytes_read = result.bytes_read() if read else 0
    written_rows = result.rows_written() if hasattr(result, "rows_written") else 0
    written_bytes = result.bytes_written() if hasattr(result, "bytes_written") else 0
    return {
        "read_rows": str(rows_read),
        "read_bytes": str(bytes_read),
        "written_rows": str(written_rows),
        "written_bytes": str(written_bytes),
        "total_rows_to_read": str(rows_read),
        "result_rows": str(rows_read if read else 0),
        "result_bytes": str(bytes_read if read else 0),
        "elapsed_ns": str(int(result.elapsed() * 1e9)),
    }
