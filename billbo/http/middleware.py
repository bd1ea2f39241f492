"""The request context both APIs share: request ids, one log line, no error that breaks a connection.

Pure ASGI, so it adds nothing measurable to the ingest hot path.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Sequence
from typing import Any

import structlog

from billbo.http.errors import error_body

log = structlog.stdlib.get_logger("billbo.http")

_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_JSON_HEADERS = [(b"content-type", b"application/json")]


class RequestContextMiddleware:
    """One request id per request (in every log line and in ``X-Request-ID``), one log line per
    request, and the last word on unexpected errors.

    An exception that escapes the application is logged (plain traceback, redacted) and answered
    500 in the one error shape *here*, and never re-raised: Starlette's outermost middleware
    re-raises after answering, and uvicorn then closes the connection, so the client's next request
    on the same keep-alive connection was reset.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Any) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error", method=scope["method"], path=scope["path"])
            if not response_started:
                status = 500
                await send_error(send_with_id, 500, "internal_error", "Something went wrong on our side.")
        finally:
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            structlog.contextvars.clear_contextvars()


class BodyLimitMiddleware:
    """Refuses a request body larger than ``limit`` bytes with 413, before it is read whole: by its
    ``Content-Length`` at once, or while a chunked body streams in. Routes with a limit of their
    own (the ingest fast path) are answered before this middleware sees them."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await _refuse(send, self.limit)
            return
        received = 0
        too_large = False
        started = False

        async def limited_receive() -> Any:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    too_large = True
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            await _refuse(send, self.limit)
        except Exception:
            if not too_large or started:
                raise
            await _refuse(send, self.limit)  # the framework wrapped our signal in its own error


class _BodyTooLarge(Exception):
    pass


async def send_error(
    send: Any, status: int, code: str, message: str, details: Any = None, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    body = json.dumps(error_body(code, message, details)).encode()
    raw = [*_JSON_HEADERS, (b"content-length", str(len(body)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def _refuse(send: Any, limit: int) -> None:
    await send_error(send, 413, "payload_too_large", f"The request body is larger than {limit} bytes.")


def _content_length(scope: Any) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _incoming_id(scope: Any) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _VALID_ID.match(text) else None
    return None


class MethodsMiddleware:
    """Answers for methods a path does not have, by the whole path rather than by one route.

    Starlette matches route by route, so a wrong method got the ``Allow`` of the first route with
    that path (one method where the path has several), and a method a literal path lacks could
    land on a parametrised sibling (``PATCH /api/members/invitations`` reached
    ``PATCH /api/members/{user_id}`` and answered 422). Here a path's methods are those the OpenAPI
    document gives it (literal paths before parametrised ones); a method outside them is 405 with
    the full ``Allow``, and ``OPTIONS`` is answered 204 with it. Paths the document does not list
    (``/docs``) are left to the router.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self._paths: list[tuple[re.Pattern[str], bool, frozenset[str]]] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowed = self._allowed(scope)
        if allowed is None or scope["method"] in allowed:
            await self.app(scope, receive, send)
            return
        allow = ", ".join(sorted(allowed | {"OPTIONS"}))
        if scope["method"] == "OPTIONS":
            await send({"type": "http.response.start", "status": 204, "headers": [(b"allow", allow.encode())]})
            await send({"type": "http.response.body", "body": b""})
            return
        message = f"{scope['method']} is not allowed here; use {allow}."
        await send_error(send, 405, "method_not_allowed", message, headers=[(b"allow", allow.encode())])

    def _allowed(self, scope: Any) -> frozenset[str] | None:
        if self._paths is None:
            self._paths = _documented_paths(scope["app"].openapi())
        path = scope["path"]
        matches = [(literal, methods) for pattern, literal, methods in self._paths if pattern.match(path)]
        literal = [methods for is_literal, methods in matches if is_literal]
        chosen = literal or [methods for _, methods in matches]
        return frozenset().union(*chosen) if chosen else None


def _documented_paths(document: dict[str, Any]) -> list[tuple[re.Pattern[str], bool, frozenset[str]]]:
    table = []
    for template, item in document.get("paths", {}).items():
        methods = {method.upper() for method in item if method in ("get", "put", "post", "delete", "patch")}
        if "GET" in methods:
            methods.add("HEAD")  # Starlette answers HEAD wherever it answers GET
        parts = re.split(r"(\{[^}]+\})", template)
        regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
        table.append((re.compile(f"^{regex}$"), "{" not in template, frozenset(methods)))
    return table
