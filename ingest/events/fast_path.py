"""An ASGI fast path for POST /v1/events, the one hot route.

Merchants send many small requests; FastAPI's routing, dependency injection and exception
middleware cost more per request than validating and storing a single event (a py-spy profile of
single-event load: most of the ingest process's time was framework). This middleware answers
POST /v1/events itself with the same handler the FastAPI route uses, and passes every other
request on. It sits inside the request-id middleware, so logs and ``X-Request-ID`` are the same.
"""

from __future__ import annotations

from typing import Any

import msgspec
import structlog

from billbo.http.asgi import ClientGone, body_chunks
from billbo.http.errors import error_body
from ingest.deps import ingest_state
from ingest.events.router import handle_post

log = structlog.stdlib.get_logger("ingest.events")
_JSON = (b"content-type", b"application/json")


class EventsFastPath:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/v1/events" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = {}
        for name, value in scope["headers"]:
            if name in (b"authorization", b"content-type", b"content-length"):
                headers[name] = value.decode("latin-1")
        try:
            reply = await handle_post(
                ingest_state(scope["app"]),
                authorization=headers.get(b"authorization"),
                content_type=headers.get(b"content-type"),
                content_length=headers.get(b"content-length"),
                chunks=body_chunks(receive),
            )
        except ClientGone:
            return
        except Exception:
            log.exception("unhandled error")
            body = error_body("internal_error", "Something went wrong on our side.")
            await _send(send, 500, msgspec.json.encode(body), {})
            return
        await _send(send, reply.status, reply.body, reply.headers)


async def _send(send: Any, status: int, body: bytes, headers: dict[str, str]) -> None:
    raw = [_JSON, (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
