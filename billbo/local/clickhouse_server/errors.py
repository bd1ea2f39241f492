"""ClickHouse exceptions as the HTTP interface reports them."""

from __future__ import annotations

import re

from billbo.local.clickhouse_server import wire

_CODE = re.compile(r"Code:\s*(\d+)")

# ClickHouse's own mapping of exception codes to HTTP statuses (exceptionCodeToHTTPStatus.cpp in
# src/Server/HTTP, 25.x / 26.x); every other code is 500, READONLY and the session errors included.
_STATUS_BY_CODE = {
    194: 401,  # REQUIRED_PASSWORD
    **dict.fromkeys((192, 193, 516, 512, 497), 403),  # UNKNOWN_USER ... ACCESS_DENIED
    **dict.fromkeys(
        (36, 427, 6, 25, 26, 38, 41, 72, 441, 675, 676, 27, 376, 15, 44, 37, 123, 8, 167, 168, 223, 62, 117, 53, 321),
        400,
    ),  # BAD_ARGUMENTS, the CANNOT_PARSE_* family, AST and type errors, SYNTAX_ERROR
    **dict.fromkeys((60, 46, 47, 50, 56, 81, 115, 152, 63, 73, 336, 78, 511), 404),  # the UNKNOWN_* family
    229: 413,  # QUERY_IS_TOO_LARGE
    48: 501,  # NOT_IMPLEMENTED
    **dict.fromkeys((209, 76, 439), 503),  # SOCKET_TIMEOUT, CANNOT_OPEN_FILE, CANNOT_SCHEDULE_TASK
    381: 411,  # HTTP_LENGTH_REQUIRED
    159: 408,  # TIMEOUT_EXCEEDED
    779: 415,  # UNSUPPORTED_MEDIA_TYPE
}


class ClickHouseError(Exception):
    """An error with a ClickHouse exception code, rendered like ClickHouse renders it."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def http_status(self) -> int:
        return _STATUS_BY_CODE.get(self.code, 500)

    def body(self, version: str) -> bytes:
        text = self.message
        if not text.startswith("Code:"):
            text = f"Code: {self.code}. DB::Exception: {text}"
        if "(version " not in text:
            text = f"{text} (version {version})"
        return wire.raw(text.rstrip() + "\n")

    @classmethod
    def from_engine(cls, exc: BaseException) -> ClickHouseError:
        """Wrap an exception raised by chDB, keeping the ClickHouse code it names. A message
        that is not UTF-8 (it quotes the query's own bytes) reaches Python as the
        UnicodeDecodeError of its conversion, which still holds the message's bytes."""
        if isinstance(exc, ClickHouseError):
            return exc
        if isinstance(exc, UnicodeDecodeError) and isinstance(exc.object, bytes):
            text = wire.text(exc.object)
        else:
            text = str(exc)
        match = _CODE.search(text)
        return cls(int(match.group(1)) if match else 1001, text)  # 1001: STD_EXCEPTION


def syntax_error(message: str) -> ClickHouseError:
    return ClickHouseError(62, f"Code: 62. DB::Exception: {message}. (SYNTAX_ERROR)")


def bad_request(message: str) -> ClickHouseError:
    return ClickHouseError(36, f"Code: 36. DB::Exception: {message}. (BAD_ARGUMENTS)")


def readonly(message: str) -> ClickHouseError:  # 500, as in ClickHouse
    return ClickHouseError(164, f"Code: 164. DB::Exception: {message}. (READONLY)")


def coded(code: int, name: str, message: str) -> ClickHouseError:
    return ClickHouseError(code, f"Code: {code}. DB::Exception: {message}. ({name})")


def session_not_found(session_id: str) -> ClickHouseError:
    return ClickHouseError(372, f"Code: 372. DB::Exception: Session {session_id} not found. (SESSION_NOT_FOUND)")


def session_locked(session_id: str) -> ClickHouseError:
    return ClickHouseError(
        373,
        f"Code: 373. DB::Exception: Session {session_id} is locked by a concurrent client. (SESSION_IS_LOCKED)",
    )
