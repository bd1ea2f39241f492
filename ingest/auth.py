"""``Authorization: Bearer bb_...``: the merchant behind an API key, trusted for under a second.

Keys are looked up by their SHA-256 digest. A lookup is cached for ``api_key_cache_seconds``
(0.5 s by default), so a revoked key stops working everywhere within a second while a busy key
costs one Postgres query per half second, not one per request. The key itself is never logged.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

import structlog
from psycopg_pool import ConnectionPool
from starlette.concurrency import run_in_threadpool

from billbo.api_keys import keys
from billbo.api_keys import repository as api_keys
from billbo.api_keys.repository import KeyOwner
from billbo.errors import ServiceUnavailable, Unauthorized

log = structlog.stdlib.get_logger("ingest.auth")

TOUCH_EVERY_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Merchant:
    """The authenticated caller of the ingest API."""

    id: uuid.UUID
    key_id: uuid.UUID
    owner: KeyOwner


class ApiKeyCache:
    def __init__(self, pool: ConnectionPool, ttl_seconds: float) -> None:
        self._pool = pool
        self._ttl = ttl_seconds
        self._entries: dict[bytes, tuple[float, KeyOwner | None]] = {}
        self._in_flight: dict[bytes, asyncio.Future[KeyOwner | None]] = {}
        self._touched: dict[uuid.UUID, float] = {}

    async def owner(self, digest: bytes) -> KeyOwner | None:
        cached = self._entries.get(digest)
        if cached is not None and time.monotonic() - cached[0] < self._ttl:
            return cached[1]
        pending = self._in_flight.get(digest)
        if pending is not None:  # one lookup per key at a time; the others wait for its answer
            return await asyncio.shield(pending)
        future: asyncio.Future[KeyOwner | None] = asyncio.get_running_loop().create_future()
        self._in_flight[digest] = future
        started = time.monotonic()
        try:
            owner = await run_in_threadpool(self._lookup, digest)
        except Exception as exc:
            log.warning("api key lookup failed", error=str(exc))
            error = ServiceUnavailable("Cannot check API keys right now; retry shortly.")
            future.set_exception(error)
            future.exception()  # retrieved: waiters re-raise it, nobody else needs to
            raise error from exc
        else:
            future.set_result(owner)
            if len(self._entries) > 100_000:
                self._entries.clear()
            self._entries[digest] = (started, owner)  # trusted from when the lookup began
            return owner
        finally:
            del self._in_flight[digest]

    def _lookup(self, digest: bytes) -> KeyOwner | None:
        with self._pool.connection(timeout=2) as conn:
            owner = api_keys.find_by_digest(conn, digest)
            if owner is not None and owner.revoked_at is None:
                now = time.monotonic()
                if now - self._touched.get(owner.key_id, -TOUCH_EVERY_SECONDS) >= TOUCH_EVERY_SECONDS:
                    api_keys.touch(conn, [owner.key_id])
                    self._touched[owner.key_id] = now
            return owner


async def authenticate(cache: ApiKeyCache, header: str | None) -> Merchant:
    """The merchant whose key the ``Authorization`` header carries, or Unauthorized."""
    if not header:
        raise Unauthorized("Missing Authorization header: send 'Authorization: Bearer bb_...'.")
    scheme, _, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not keys.well_formed(key):
        raise Unauthorized("Malformed Authorization header: expected 'Bearer bb_...'.")
    owner = await cache.owner(keys.digest(key))
    if owner is None:
        raise Unauthorized("Unknown API key.")
    if owner.revoked_at is not None:
        raise Unauthorized("This API key has been revoked.")
    return Merchant(id=owner.merchant_id, key_id=owner.key_id, owner=owner)
