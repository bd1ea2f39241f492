"""ClickHouse exceptions as the HTTP interface reports them."""

from __future__ import annotations

import re

_CODE = re.compile(r"Code:\s*(\d+)")

# ClickHouse's own mapping of exception codes to HTTP statuses (src/Server/HTTPHandler.cpp).
_STATUS_BY_CODE = {
    **dict.fromkeys((516, 192), 401),  # AUTHENTICATION_FAILED, UNKNOWN_USER
    **dict.fromkeys((164, 497), 403),  # READONLY, ACCESS_DENIED
    **dict.fromkeys((60, 81), 404),  # UNKNOWN_TABLE, UNKNOWN_DATABASE
    **dict.fromkeys(
        (62, 27, 26, 6, 16, 36, 41, 44, 46, 47, 53, 69, 70, 72, 115, 117, 456, 457), 400
    ),  # parse, type and argument errors
    **dict.fromkeys((372, 373), 400),  # SESSION_NOT_FOUND, SESSION_IS_LOCKED
    159: 504,  # TIMEOUT_EXCEEDED
    241: 500,  # MEMORY_LIMIT_EXCEEDED
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
        return (text.rstrip() + "\n").encode()

    @classmethod
    def from_engine(cls, exc: BaseException) -> ClickHouseError:
        """Wrap an exception raised by chDB, keeping the ClickHouse code it names."""
        if isinstance(exc, ClickHouseError):
            return exc
        text = str(exc)
        match = _CODE.search(text)
        return cls(int(match.group(1)) if match else 1001, text)  # 1001: STD_EXCEPTION


def syntax_error(message: str) -> ClickHouseError:
    return ClickHouseError(62, f"Code: 62. DB::Exception: {message}. (SYNTAX_ERROR)")


def bad_request(message: str) -> ClickHouseError:
    return ClickHouseError(36, f"Code: 36. DB::Exception: {message}. (BAD_ARGUMENTS)")


def readonly(message: str) -> ClickHouseError:
    return ClickHouseError(164, f"Code: 164. DB::Exception: {message}. (READONLY)")


def session_not_found(session_id: str) -> ClickHouseError:
    return ClickHouseError(372, f"Code: 372. DB::Exception: Session {session_id} not found. (SESSION_NOT_FOUND)")


def session_locked(session_id: str) -> ClickHouseError:
    return ClickHouseError(
        373,
        f"Code: 373. DB::Exception: Session {session_id} is locked by a concurrent client. (SESSION_IS_LOCKED)",
    )
