"""Request bodies of the HTTP interface: content decoding and multipart forms."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import lz4.frame

from billbo.clickhouse.local_server.errors import bad_request
from billbo.http.asgi import body_chunks

Receive = Callable[[], Awaitable[dict[str, Any]]]


def _decoder(encoding: str) -> Callable[[bytes], bytes] | None:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding == "lz4":
        return _Lz4Frames().decompress
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress
    if encoding == "deflate":
        return zlib.decompressobj().decompress
    raise bad_request(f"Unknown HTTP Content-Encoding: {encoding}")


class _Lz4Frames:
    """LZ4 frame decoding across frame boundaries: clickhouse-connect sends one frame per block."""

    def __init__(self) -> None:
        self._frame = lz4.frame.LZ4FrameDecompressor()

    def decompress(self, data: bytes) -> bytes:
        out = []
        while data:
            out.append(self._frame.decompress(data))
            if not self._frame.eof:
                break
            data = self._frame.unused_data or b""
            self._frame = lz4.frame.LZ4FrameDecompressor()
        return b"".join(out)


async def decoded_chunks(receive: Receive, content_encoding: str) -> AsyncIterator[bytes]:
    """The request body, decompressed as its Content-Encoding says, chunk by chunk."""
    decode = _decoder(content_encoding)
    async for chunk in body_chunks(receive):
        data = decode(chunk) if decode else chunk
        if data:
            yield data


async def read_all(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


def parse_multipart(content_type: str, body: bytes) -> dict[str, str]:
    """The text fields of a multipart/form-data body (``query`` and ``param_*``)."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise bad_request("Malformed multipart/form-data body")
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename() is not None:
            raise bad_request("External data files are not supported by the local server")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = payload.decode("utf-8") if isinstance(payload, bytes) else ""
    return fields
