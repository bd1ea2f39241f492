"""Response bodies of the HTTP interface: compression and the exception at the end of a stream.

With ``enable_http_compression=1`` ClickHouse compresses a response with the first method of its
own preference order that the client's ``Accept-Encoding`` names (zstd, br, lz4, snappy, gzip,
deflate, xz, bz2); so does this server, for the methods it has a library for. Each piece of a
streamed response is flushed, so the client can decode what it has received.

Once a response has started (status 200 sent), an error can no longer change the status. Since
24.11 / 25.x ClickHouse then ends the body with an exception block framed by a tag it announced
in ``X-ClickHouse-Exception-Tag``::

    \\r\\n__exception__\\r\\n<tag>\\r\\n<message>\\n<length of message> <tag>\\r\\n__exception__\\r\\n

clickhouse-connect scans streamed bodies for exactly that frame and raises the message as an
error; so do the other official clients.
"""

from __future__ import annotations

import bz2
import lzma
import secrets
import zlib
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

import lz4.frame

from billbo.local.clickhouse_server.body import brotli, zstd
from billbo.local.clickhouse_server.native import compress_blocks

MAX_EXCEPTION_SIZE = 16 * 1024  # as ClickHouse: a longer message is cut


class Encoder(Protocol):
    def compress(self, data: bytes) -> bytes:
        """Compressed ``data``, flushed where the method allows it."""

    def finish(self) -> bytes: ...


class _Lz4:
    def __init__(self, level: int) -> None:
        self._c = lz4.frame.LZ4FrameCompressor(auto_flush=True)
        self._head: bytes | None = self._c.begin()

    def compress(self, data: bytes) -> bytes:
        out = bytes(self._c.compress(data))
        if self._head is not None:
            out, self._head = self._head + out, None
        return out

    def finish(self) -> bytes:
        tail = self._c.flush()
        if self._head is not None:
            tail, self._head = self._head + tail, None
        return bytes(tail)


class _Zlib:
    def __init__(self, level: int, wbits: int) -> None:
        self._c = zlib.compressobj(level, zlib.DEFLATED, wbits)

    def compress(self, data: bytes) -> bytes:
        return self._c.compress(data) + self._c.flush(zlib.Z_SYNC_FLUSH)

    def finish(self) -> bytes:
        return self._c.flush(zlib.Z_FINISH)


class _Zstd:
    def __init__(self, level: int) -> None:
        self._c = zstd.ZstdCompressor(level=level)

    def compress(self, data: bytes) -> bytes:
        return bytes(self._c.compress(data, mode=zstd.ZstdCompressor.FLUSH_BLOCK))

    def finish(self) -> bytes:
        return bytes(self._c.flush(mode=zstd.ZstdCompressor.FLUSH_FRAME))


class _Brotli:
    def __init__(self, level: int) -> None:
        self._c = brotli.Compressor(quality=min(max(level, 0), 11))

    def compress(self, data: bytes) -> bytes:
        return bytes(self._c.process(data) + self._c.flush())

    def finish(self) -> bytes:
        return bytes(self._c.finish())


class _Buffered:
    """xz and bz2, which cannot flush before their end."""

    def __init__(self, compressor: Any) -> None:
        self._c = compressor

    def compress(self, data: bytes) -> bytes:
        return bytes(self._c.compress(data))

    def finish(self) -> bytes:
        return bytes(self._c.flush())


_ENCODERS: list[tuple[str, Callable[[int], Encoder], bool]] = [
    ("zstd", _Zstd, zstd is not None),
    ("br", _Brotli, brotli is not None),
    ("lz4", _Lz4, True),
    ("gzip", lambda level: _Zlib(level, 16 + zlib.MAX_WBITS), True),
    ("deflate", lambda level: _Zlib(level, zlib.MAX_WBITS), True),
    ("xz", lambda level: _Buffered(lzma.LZMACompressor(preset=min(max(level, 0), 9))), True),
    ("bz2", lambda level: _Buffered(bz2.BZ2Compressor(min(max(level, 1), 9))), True),
]


def choose_encoding(accept_encoding: str, level: int) -> tuple[str, Callable[[], Encoder]] | None:
    """The method ClickHouse would pick for this Accept-Encoding (the same substring test), and a
    factory of its encoder at ``level`` (``http_zlib_compression_level``)."""
    if not accept_encoding:
        return None
    accept = accept_encoding.lower()
    for name, make, available in _ENCODERS:
        if available and name in accept:
            return name, partial(make, level)
    return None


class _Native:
    """``compress=1``: ClickHouse's compressed blocks, inside the HTTP Content-Encoding if any."""

    def __init__(self, outer: Encoder | None) -> None:
        self._outer = outer

    def compress(self, data: bytes) -> bytes:
        blocks = compress_blocks(data)
        return self._outer.compress(blocks) if self._outer is not None else blocks

    def finish(self) -> bytes:
        return self._outer.finish() if self._outer is not None else b""


Coding = tuple[str, Callable[[], Encoder]]  # the Content-Encoding ("" for none) and its encoders


def response_coding(accept_encoding: str | None, level: int, *, native: bool) -> Coding | None:
    """How a response is encoded: the HTTP compression ClickHouse would choose (None for
    ``accept_encoding=None``: compression is off), inside which ``native`` adds ClickHouse's
    own compressed blocks (``compress=1``)."""
    http = choose_encoding(accept_encoding, level) if accept_encoding is not None else None
    if not native:
        return http
    if http is None:
        return "", partial(_Native, None)
    name, make = http
    return name, lambda: _Native(make())


def exception_tag() -> str:
    """A new response's exception tag: 16 alphanumeric characters, as ClickHouse's."""
    return secrets.token_hex(8)


def exception_block(message: bytes, tag: str) -> bytes:
    """The frame that ends a started response with an error (``message`` ends with a newline)."""
    if len(message) > MAX_EXCEPTION_SIZE:
        message = message[: MAX_EXCEPTION_SIZE - 1] + b"\n"
    if not message.endswith(b"\n"):
        message += b"\n"
    marker = tag.encode()
    return (
        b"\r\n__exception__\r\n"
        + marker
        + b"\r\n"
        + message
        + str(len(message)).encode()
        + b" "
        + marker
        + b"\r\n__exception__\r\n"
    )
