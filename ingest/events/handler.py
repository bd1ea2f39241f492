"""POST /v1/events from headers and body chunks to status, body and headers.

One function serves both doors: the ASGI fast path that takes the route's traffic, and the
FastAPI route that documents it (and serves it wherever the fast path is not installed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import msgspec

from billbo.errors import BillboError, PayloadTooLarge, UnsupportedMediaType
from billbo.http.errors import error_body
from ingest.auth import authenticate
from ingest.events import service
from ingest.events.schemas import ENCODER
from ingest.state import IngestState


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


async def read_limited(chunks: AsyncIterator[bytes], declared: str | None, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to be too large (never read whole)."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The body is larger than {limit} bytes.")
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The body is larger than {limit} bytes.")
        parts.append(chunk)
    return b"".join(parts)


async def post_events(
    state: IngestState,
    *,
    authorization: str | None,
    content_type: str | None,
    content_length: str | None,
    chunks: AsyncIterator[bytes],
) -> Reply:
    try:
        merchant = await authenticate(state.keys, authorization)
        state.buckets.take(merchant.key_id)
        if (content_type or "").split(";")[0].strip().lower() != "application/json":
            raise UnsupportedMediaType(f"Content-Type must be application/json, not {content_type or 'missing'!r}.")
        raw = await read_limited(chunks, content_length, state.settings.ingest_max_body_bytes)
        accepted = await service.accept(state, merchant, raw)
    except BillboError as exc:
        return Reply(exc.status_code, msgspec.json.encode(error_body(exc.code, exc.message, exc.details)), exc.headers)
    return Reply(202, ENCODER.encode(accepted))
