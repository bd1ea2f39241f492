"""CityHash128 as ClickHouse checksums its compressed blocks with it: Google's CityHash v1.0.2
(later versions hash differently), in pure Python.

No package of this machine provides it, and it is only needed for the native compression of the
HTTP interface (``decompress=1`` / ``compress=1``), which clickhouse-connect does not use; so
slow (about 10 MB/s) is acceptable here. The tests check it against checksums chDB wrote.
"""

from __future__ import annotations

import struct

_M = (1 << 64) - 1
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F
_K3 = 0xC949D7C7509E6557
_KMUL = 0x9DDFEA08EB382D69

_U64 = struct.Struct("<Q")
_U32 = struct.Struct("<I")


def _f64(s: bytes, i: int) -> int:
    return int(_U64.unpack_from(s, i)[0])


def _f32(s: bytes, i: int) -> int:
    return int(_U32.unpack_from(s, i)[0])


def _rot(v: int, shift: int) -> int:
    return v if shift == 0 else ((v >> shift) | (v << (64 - shift))) & _M


def _shift_mix(v: int) -> int:
    return v ^ (v >> 47)


def _len16(u: int, v: int) -> int:
    a = ((u ^ v) * _KMUL) & _M
    a ^= a >> 47
    b = ((v ^ a) * _KMUL) & _M
    b ^= b >> 47
    return (b * _KMUL) & _M


def _len0to16(s: bytes, i: int, n: int) -> int:
    if n > 8:
        a = _f64(s, i)
        b = _f64(s, i + n - 8)
        return _len16(a, _rot((b + n) & _M, n)) ^ b
    if n >= 4:
        a = _f32(s, i)
        return _len16((n + (a << 3)) & _M, _f32(s, i + n - 4))
    if n > 0:
        y = s[i] + (s[i + (n >> 1)] << 8)
        z = n + (s[i + n - 1] << 2)
        return (_shift_mix(((y * _K2) ^ (z * _K3)) & _M) * _K2) & _M
    return _K2


def _weak32(s: bytes, i: int, a: int, b: int) -> tuple[int, int]:
    w, x, y, z = _f64(s, i), _f64(s, i + 8), _f64(s, i + 16), _f64(s, i + 24)
    a = (a + w) & _M
    b = _rot((b + a + z) & _M, 21)
    c = a
    a = (a + x + y) & _M
    b = (b + _rot(a, 44)) & _M
    return (a + z) & _M, (b + c) & _M


def _murmur(s: bytes, i: int, n: int, lo: int, hi: int) -> tuple[int, int]:
    a, b = lo, hi
    left = n - 16
    if left <= 0:
        a = (_shift_mix((a * _K1) & _M) * _K1) & _M
        c = (b * _K1 + _len0to16(s, i, n)) & _M
        d = _shift_mix((a + (_f64(s, i) if n >= 8 else c)) & _M)
    else:
        c = _len16((_f64(s, i + n - 8) + _K1) & _M, a)
        d = _len16((b + n) & _M, (c + _f64(s, i + n - 16)) & _M)
        a = (a + d) & _M
        while True:
            a ^= (_shift_mix((_f64(s, i) * _K1) & _M) * _K1) & _M
            a = (a * _K1) & _M
            b ^= a
            c ^= (_shift_mix((_f64(s, i + 8) * _K1) & _M) * _K1) & _M
            c = (c * _K1) & _M
            d ^= c
            i += 16
            left -= 16
            if left <= 0:
                break
    a = _len16(a, c)
    b = _len16(d, b)
    return a ^ b, _len16(b, a)


def _with_seed(s: bytes, i: int, n: int, lo: int, hi: int) -> tuple[int, int]:
    if n < 128:
        return _murmur(s, i, n, lo, hi)
    x, y, z = lo, hi, (n * _K1) & _M
    v0 = (_rot(y ^ _K1, 49) * _K1 + _f64(s, i)) & _M
    v1 = (_rot(v0, 42) * _K1 + _f64(s, i + 8)) & _M
    w0 = (_rot((y + z) & _M, 35) * _K1 + x) & _M
    w1 = (_rot((x + _f64(s, i + 88)) & _M, 53) * _K1) & _M
    while True:
        for _ in range(2):
            x = (_rot((x + y + v0 + _f64(s, i + 16)) & _M, 37) * _K1) & _M
            y = (_rot((y + v1 + _f64(s, i + 48)) & _M, 42) * _K1) & _M
            x ^= w1
            y ^= v0
            z = _rot(z ^ w0, 33)
            v0, v1 = _weak32(s, i, (v1 * _K1) & _M, (x + w0) & _M)
            w0, w1 = _weak32(s, i + 32, (z + w1) & _M, y)
            z, x = x, z
            i += 64
        n -= 128
        if n < 128:
            break
    y = (y + _rot(w0, 37) * _K0 + z) & _M
    x = (x + _rot((v0 + z) & _M, 49) * _K0) & _M
    done = 0
    while done < n:
        done += 32
        y = (_rot((y - x) & _M, 42) * _K0 + v1) & _M
        w0 = (w0 + _f64(s, i + n - done + 16)) & _M
        x = (_rot(x, 49) * _K0 + w0) & _M
        w0 = (w0 + v0) & _M
        v0, v1 = _weak32(s, i + n - done, v0, v1)
    x = _len16(x, v0)
    y = _len16(y, w0)
    return (_len16((x + v1) & _M, w1) + y) & _M, _len16((x + w1) & _M, (y + v1) & _M)


def cityhash128(data: bytes) -> tuple[int, int]:
    """(low 64 bits, high 64 bits) of CityHash128 v1.0.2 of ``data``."""
    n = len(data)
    if n >= 16:
        return _with_seed(data, 16, n - 16, _f64(data, 0) ^ _K3, _f64(data, 8))
    if n >= 8:
        return _with_seed(data, 0, 0, _f64(data, 0) ^ ((n * _K0) & _M), _f64(data, n - 8) ^ _K1)
    return _with_seed(data, 0, n, _K0, _K1)


def checksum(data: bytes) -> bytes:
    """The 16 bytes ClickHouse writes before a compressed block: low then high, little-endian."""
    low, high = cityhash128(data)
    return _U64.pack(low) + _U64.pack(high)
