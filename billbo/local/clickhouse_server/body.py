"""Request bodies of the HTTP interface: content decoding and multipart forms.

A body is decoded as its ``Content-Encoding`` says (the methods ClickHouse accepts, where a
library for them is installed), piece by piece as it arrives; a decoder never hands on more than
``MAX_PIECE`` bytes at a time, so a small compressed body cannot make one huge allocation. A body
that does not decode is the ClickHouse error its decoder reports (``ZLIB_INFLATE_FAILED``,
``LZ4_DECODER_FAILED``, ...), also when it ends in the middle of a frame.
"""

from __future__ import annotations

import bz2
import importlib
import lzma
import re
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import lz4.frame

from billbo.http.asgi import body_chunks
from billbo.local.clickhouse_server import wire
from billbo.local.clickhouse_server.errors import ClickHouseError, bad_request, coded

Receive = Callable[[], Awaitable[dict[str, Any]]]

MAX_PIECE = 1 << 22  # 4 MiB


def _optional(*modules: str) -> Any:
    for name in modules:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


# zstd: the standard library's from Python 3.14, the backport before (clickhouse-connect needs it).
zstd: Any = _optional("compression.zstd", "backports.zstd")
# Brotli: only if a brotli package is installed; BillBo does not depend on one.
brotli: Any = _optional("brotli", "brotlicffi")

_METHODS = "'auto', 'none', 'gzip', 'deflate', 'br', 'xz', 'zstd', 'lz4', 'bz2', 'snappy'"


class Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finish(self) -> None:
        """Raise if the body ended inside a compressed frame."""


def unknown_method(name: str) -> ClickHouseError:
    return coded(
        89,
        "UNKNOWN_COMPRESSION_METHOD",
        f"Unknown compression method '{name}'. Only {_METHODS} are supported as compression methods",
    )


def unavailable_method(name: str, package: str) -> ClickHouseError:
    return coded(
        89,
        "UNKNOWN_COMPRESSION_METHOD",
        f"Compression method '{name}' is not available in the local server (it needs the {package} package)",
    )


def decoder(encoding: str) -> Decoder | None:
    """The decoder of a ``Content-Encoding``, None for an identity body."""
    name = encoding.strip().lower()
    name = _ALIASES.get(name, name)
    if name in ("", "identity", "none"):
        return None
    make = _DECODERS.get(name)
    if make is None:
        raise unknown_method(encoding.strip())
    return make()


_ALIASES = {
    "x-gzip": "gzip",
    "gz": "gzip",
    "zlib": "deflate",
    "zst": "zstd",
    "lzma": "xz",
    "bzip2": "bz2",
    "brotli": "br",
}


def _zstd() -> Decoder:
    if zstd is None:
        raise unavailable_method("zstd", "backports.zstd")
    return _Frames(zstd.ZstdDecompressor, 561, "ZSTD_DECODER_FAILED", "ZSTD stream decoding failed")


def _brotli() -> Decoder:
    if brotli is None:
        raise unavailable_method("br", "brotli")
    return _Brotli()


def _snappy() -> Decoder:
    raise unavailable_method("snappy", "python-snappy")


class _Zlib:
    """gzip (possibly several members one after the other) or zlib-wrapped deflate."""

    def __init__(self, wbits: int, name: str) -> None:
        self._wbits, self._name = wbits, name
        self._d = zlib.decompressobj(wbits)
        self._fed = False

    def _error(self, message: str) -> ClickHouseError:
        return coded(354, "ZLIB_INFLATE_FAILED", f"inflate failed: {message} ({self._name} body)")

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            if data:
                self._fed = True
            try:
                out = self._d.decompress(data, MAX_PIECE)
            except zlib.error as exc:
                raise self._error(str(exc)) from None
            if out:
                yield out
            if self._d.eof:  # the end of a gzip member; another may follow
                data = self._d.unused_data
                self._d = zlib.decompressobj(self._wbits)
                self._fed = False
                if not data:
                    return
                continue
            data = self._d.unconsumed_tail
            if not data and len(out) < MAX_PIECE:
                return

    def finish(self) -> None:
        if self._fed and not self._d.eof:
            raise self._error("unexpected end of data")


class _Frames:
    """A decompressor with the bz2/lzma interface (lz4.frame and zstd have it too), restarted
    after each frame so that a body of several frames decodes whole."""

    def __init__(self, factory: Callable[[], Any], code: int, name: str, what: str) -> None:
        self._factory, self._code, self._name, self._what = factory, code, name, what
        self._d = factory()
        self._fed = False

    def _error(self, message: str) -> ClickHouseError:
        return coded(self._code, self._name, f"{self._what}: {message}")

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            if data:
                self._fed = True
            try:
                out = self._d.decompress(data, MAX_PIECE)
            except Exception as exc:  # noqa: BLE001 - each library has its own error class
                raise self._error(str(exc) or type(exc).__name__) from None
            data = b""
            if out:
                yield out
            if self._d.eof:
                data = self._d.unused_data or b""
                self._d = self._factory()
                self._fed = False
                if not data:
                    return
            elif self._d.needs_input:
                return

    def finish(self) -> None:
        if self._fed and not self._d.eof:
            raise self._error("unexpected end of data")


class _Brotli:
    def __init__(self) -> None:
        self._d = brotli.Decompressor()
        self._fed = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        self._fed = True
        try:
            out = self._d.process(data)
        except Exception as exc:  # noqa: BLE001 - brotli.error or brotlicffi.error
            raise coded(448, "BROTLI_READ_FAILED", f"brotli decode error: {exc}") from None
        if out:
            yield out

    def finish(self) -> None:
        if self._fed and not self._d.is_finished():
            raise coded(448, "BROTLI_READ_FAILED", "brotli decode error: unexpected end of data")


async def decoded_chunks(receive: Receive, content_encoding: str, inner: Decoder | None = None) -> AsyncIterator[bytes]:
    """The request body, decompressed as its Content-Encoding says, chunk by chunk; then by
    ``inner`` (ClickHouse's own blocks with ``decompress=1``), which the Content-Encoding wraps."""
    outer = decoder(content_encoding)
    if outer is None and inner is None:
        async for chunk in body_chunks(receive):
            yield chunk
        return
    if outer is None or inner is None:
        only = outer or inner
        assert only is not None
        async for chunk in body_chunks(receive):
            for piece in only.feed(chunk):
                yield piece
        only.finish()
        return
    async for chunk in body_chunks(receive):
        for piece in outer.feed(chunk):
            for data in inner.feed(piece):
                yield data
    outer.finish()
    inner.finish()


async def read_all(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


# -- multipart/form-data -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FilePart:
    """A file of a multipart form: external data for the query, a temporary table ``name``."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Form:
    fields: dict[str, str]
    files: list[FilePart]


_PARAM = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def header_params(value: str) -> dict[str, str]:
    """The ``; key=value`` parameters of a header such as Content-Type or Content-Disposition."""
    params: dict[str, str] = {}
    for match in _PARAM.finditer(value):
        raw = match.group(2).strip()
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        params[match.group(1).lower()] = raw
    return params


def _malformed(reason: str) -> ClickHouseError:
    return bad_request(f"Malformed multipart/form-data body: {reason}")


def parse_multipart(content_type: str, body: bytes) -> Form:
    """The fields (``query``, ``param_*``, settings) and files (external data) of a form.

    Parts are cut at the boundary lines as RFC 7578 says; a part's content is kept byte for byte
    (a file may be binary), without the line break that belongs to the next boundary."""
    boundary = header_params(content_type).get("boundary", "")
    if not boundary or len(boundary) > 200:
        raise _malformed("no boundary in Content-Type")
    delimiter = b"--" + boundary.encode("latin-1", "replace")
    fields: dict[str, str] = {}
    files: list[FilePart] = []
    if body.startswith(delimiter):
        pos = len(delimiter)
    else:
        first = body.find(b"\r\n" + delimiter)
        if first < 0:
            raise _malformed("no boundary line")
        pos = first + 2 + len(delimiter)
    while True:
        if body.startswith(b"--", pos):
            return Form(fields, files)  # the closing delimiter; what follows is an epilogue
        line_end = body.find(b"\r\n", pos)
        if line_end < 0 or body[pos:line_end].strip(b" \t"):
            raise _malformed("bad boundary line")
        head_end = body.find(b"\r\n\r\n", line_end)
        if head_end < 0:
            raise _malformed("a part without the blank line after its headers")
        headers = _part_headers(body[line_end + 2 : head_end + 2])
        start = head_end + 4
        end = body.find(b"\r\n" + delimiter, start)
        if end < 0:
            raise _malformed("a part without a closing boundary")
        _add_part(headers, body[start:end], fields, files)
        pos = end + 2 + len(delimiter)


def _part_headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.decode("latin-1").split("\r\n"):
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise _malformed(f"bad part header {line[:100]!r}")
        headers[name.strip().lower()] = value.strip()
    return headers


def _add_part(headers: dict[str, str], content: bytes, fields: dict[str, str], files: list[FilePart]) -> None:
    disposition = headers.get("content-disposition", "")
    params = header_params(disposition)
    name = wire.text(params.get("name", "").encode("latin-1"))
    if "filename" in params:
        if not name:
            raise _malformed("a file part without a name")
        files.append(FilePart(name, content))
    elif name:
        fields[name] = wire.text(content)


_DECODERS: dict[str, Callable[[], Decoder]] = {
    "gzip": lambda: _Zlib(16 + zlib.MAX_WBITS, "gzip"),
    "deflate": lambda: _Zlib(zlib.MAX_WBITS, "deflate"),
    "lz4": lambda: _Frames(lz4.frame.LZ4FrameDecompressor, 618, "LZ4_DECODER_FAILED", "LZ4 decompression failed"),
    "zstd": _zstd,
    "xz": lambda: _Frames(lzma.LZMADecompressor, 554, "LZMA_STREAM_DECODER_FAILED", "lzma decoder failed"),
    "bz2": lambda: _Frames(bz2.BZ2Decompressor, 594, "BZIP2_STREAM_DECODER_FAILED", "bzip2 stream decoder failed"),
    "br": _brotli,
    "snappy": _snappy,
}
