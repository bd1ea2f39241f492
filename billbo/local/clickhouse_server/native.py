"""ClickHouse's own compression format on the HTTP interface: ``decompress=1`` (the request body)
and ``compress=1`` (the response), as clickhouse-client and the JDBC driver use it.

A stream is a run of blocks, each ``checksum (16 bytes) | method (1) | compressed size (4, with
the 9 header bytes) | decompressed size (4) | data``, the checksum being CityHash128 v1.0.2 of
everything after it. Methods: 0x02 none, 0x82 LZ4 (a raw LZ4 block), 0x90 ZSTD (a frame).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

import lz4.block

from billbo.local.clickhouse_server.body import zstd
from billbo.local.clickhouse_server.cityhash import checksum
from billbo.local.clickhouse_server.errors import ClickHouseError, coded

_HEADER = struct.Struct("<BII")  # method, compressed size (with this header), decompressed size
_NONE, _LZ4, _ZSTD = 0x02, 0x82, 0x90
MAX_BLOCK = 1 << 30  # ClickHouse refuses larger blocks as corrupted data (DBMS_MAX_COMPRESSED_SIZE)
BLOCK_SIZE = 1 << 20  # what a response block holds, as max_compress_block_size


def _corrupted(message: str) -> ClickHouseError:
    return coded(39, "TOO_LARGE_SIZE_COMPRESSED", f"{message}. Most likely corrupted data")


class NativeDecoder:
    """Decodes a ``decompress=1`` body, block by block as it arrives."""

    def __init__(self, *, verify: bool = True) -> None:
        self._buf = bytearray()
        self._verify = verify

    def feed(self, data: bytes) -> Iterator[bytes]:
        buf = self._buf
        buf += data
        while len(buf) >= 16 + _HEADER.size:
            method, size, raw_size = _HEADER.unpack_from(buf, 16)
            if size < _HEADER.size or size > MAX_BLOCK:
                raise _corrupted(f"Too large size_compressed_without_checksum: {size}")
            if raw_size > MAX_BLOCK:
                raise _corrupted(f"Too large size_decompressed: {raw_size}")
            if len(buf) < 16 + size:
                return
            reference, block = bytes(buf[:16]), bytes(buf[16 : 16 + size])
            del buf[: 16 + size]
            if self._verify:
                actual = checksum(block)
                if actual != reference:
                    raise coded(
                        40,
                        "CHECKSUM_DOESNT_MATCH",
                        f"Checksum doesn't match: corrupted data. Reference: {_hex(reference)}. "
                        f"Actual: {_hex(actual)}. Size of compressed block: {size}",
                    )
            yield _decompress(method, block[_HEADER.size :], raw_size)

    def finish(self) -> None:
        if self._buf:
            raise coded(
                33,
                "CANNOT_READ_ALL_DATA",
                f"Cannot read all data. Bytes read: {len(self._buf)}. The body ends inside a compressed block",
            )


def _hex(digest: bytes) -> str:
    low, high = struct.unpack("<QQ", digest)
    return f"{high:016x}{low:016x}"


def _decompress(method: int, data: bytes, raw_size: int) -> bytes:
    try:
        if method == _LZ4:
            out = bytes(lz4.block.decompress(data, uncompressed_size=raw_size))
        elif method == _ZSTD and zstd is not None:
            out = bytes(zstd.decompress(data))
        elif method == _NONE:
            out = data
        else:
            raise coded(
                432, "UNKNOWN_CODEC", f"Unknown codec family code: {method} (the local server knows LZ4, ZSTD and NONE)"
            )
    except ClickHouseError:
        raise
    except Exception as exc:  # noqa: BLE001 - lz4.block.LZ4BlockError, zstd.ZstdError
        name = {_LZ4: "LZ4", _ZSTD: "ZSTD"}.get(method, "NONE")
        raise coded(271, "CANNOT_DECOMPRESS", f"Cannot decompress {name}-encoded data: {exc}") from None
    if len(out) != raw_size:
        raise coded(271, "CANNOT_DECOMPRESS", f"Cannot decompress: {len(out)} bytes instead of {raw_size}")
    return out


def compress_blocks(data: bytes) -> bytes:
    """``data`` as LZ4 blocks of at most 1 MiB each, with their checksums."""
    out = []
    for start in range(0, len(data), BLOCK_SIZE):
        raw = data[start : start + BLOCK_SIZE]
        packed = lz4.block.compress(raw, store_size=False)
        block = _HEADER.pack(_LZ4, _HEADER.size + len(packed), len(raw)) + packed
        out.append(checksum(block) + block)
    return b"".join(out)
