"""Bytes on the wire and the text the server works with.

ClickHouse treats a query as bytes: a string literal may hold any byte, and a query that is not
UTF-8 is a syntax error, never a failure of the server. Here every byte string from a request is
decoded with ``surrogateescape``, so the lexer works on ``str`` while each byte survives, and is
encoded back exactly where it reaches chDB or the response.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def text(data: bytes) -> str:
    """Request bytes as text; bytes that are not UTF-8 become lone surrogates."""
    return data.decode("utf-8", "surrogateescape")


def raw(value: str) -> bytes:
    """The bytes a text stands for (the inverse of ``text``)."""
    try:
        return value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate ``text`` never makes: not from the wire
        return value.encode("utf-8", "replace")


def sql(value: str) -> str | bytes:
    """A statement as chDB takes it: ``str`` when it is plain, its exact bytes otherwise."""
    return value if value.isascii() else raw(value)


def param(value: str) -> str:
    """A query parameter value (or any other argument chDB takes as ``str`` only, such as a
    format name). chDB parses parameter values in ClickHouse's escaped form, where ``\\xHH`` is
    one byte, so bytes that are not UTF-8 are passed as such escapes and arrive unchanged."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return raw(value).decode("utf-8", "backslashreplace")
    return value


def header(value: str) -> bytes:
    """A response header value from request text: UTF-8 bytes, without control characters
    (which would end the header and let a client inject its own)."""
    if value.isascii() and value.isprintable():
        return value.encode("ascii")
    return raw(_CONTROL.sub("", value))
