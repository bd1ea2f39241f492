"""What a test steers over ``/_test/*`` (never authenticated, never behind a fault):

* ``POST /_test/faults`` ``{"faults": [fault, ...]}`` adds faults. A fault matches requests to
  ``/v1/`` by ``method`` and ``path`` (a regular expression searched in the path), both optional;
  it lets ``nth - 1`` matching requests through, then answers the next ``times`` ones (default
  1). ``status`` (429, 500, ...) answers with Stripe's error body for that status and, when
  ``should_retry`` is true or false, the ``Stripe-Should-Retry`` header; ``"drop": true`` closes
  the connection without an answer. ``"stage": "after"`` runs the request first (its side effects
  happen and its idempotency result is saved) and then answers with the fault: the answer lost on
  the way back. The default ``"before"`` answers without running it.
* ``POST /_test/clock`` ``{"advance_seconds": n}`` moves the idempotency clock forward (only key
  expiry reads it; objects' timestamps stay real, so webhooks the fake signs are not stale).
* ``POST /_test/revoke`` ``{"api_key": "sk_..."}``: that key is refused from now on, as Stripe
  refuses a rolled key (401 with the key masked but for its last four characters).
* ``GET /_test/requests``: every ``/v1/`` request so far, in order: method, path, idempotency key,
  status (``null`` when dropped), whether it was a replay and the fault it met.
* ``POST /_test/reset``: objects, idempotency keys, faults, clock, revoked keys, log, webhooks.
* ``GET /_test/health``.
"""

from __future__ import annotations

import base64
import re
import secrets
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_KEY = re.compile(r"^(sk|rk)_(test|live)_[A-Za-z0-9]+$")
ERROR_BODIES: dict[int, dict[str, str]] = {
    409: {"type": "invalid_request_error", "code": "lock_timeout", "message": "This object cannot be accessed right now because another API request or Stripe process is currently accessing it."},
    429: {"type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests."},
    500: {"type": "api_error", "message": "Something went wrong on Stripe's end. (fault injected by the fake)"},
    502: {"type": "api_error", "message": "Bad gateway (fault injected by the fake)"},
    503: {"type": "api_error", "message": "Stripe is temporarily unavailable. (fault injected by the fake)"},
}  # fmt: skip


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset


CLOCK = Clock()


@dataclass
class Fault:
    status: int | None = None
    should_retry: bool | None = None
    drop: bool = False
    stage: str = "before"
    method: str | None = None
    path: str | None = None
    nth: int = 1
    times: int = 1
    seen: int = field(default=0, compare=False)

    def matches(self, request: web.Request) -> bool:
        if self.method is not None and request.method != self.method.upper():
            return False
        return self.path is None or re.search(self.path, request.path) is not None

    def take(self) -> bool:
        """Count one matching request; true when this one is answered with the fault."""
        self.seen += 1
        return self.nth <= self.seen < self.nth + self.times

    def spent(self) -> bool:
        return self.seen >= self.nth + self.times - 1

    def describe(self) -> str:
        return ("drop" if self.drop else str(self.status)) + f" {self.stage}"


_faults: list[Fault] = []
_log: list[dict[str, Any]] = []
_revoked: set[str] = set()


def reset() -> None:
    _faults.clear()
    _log.clear()
    _revoked.clear()
    CLOCK.offset = 0.0


def api_key(request: web.Request) -> str:
    """The key of ``Authorization: Bearer <key>`` or ``Basic base64(<key>:)``, as Stripe takes both."""
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme == "Basic":
        try:
            return base64.b64decode(value).decode().partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            return ""
    return value.strip() if scheme == "Bearer" else ""


def _stripe_error(status: int, error: dict[str, str], headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": error}, status=status, headers=headers)


def _unauthenticated(request: web.Request) -> web.Response | None:
    """Stripe's 401s, before localstripe's own check (which takes any ``sk_`` key)."""
    key = api_key(request)
    if not key:
        return _stripe_error(
            401,
            {"type": "invalid_request_error", "message": "You did not provide an API key. You need to provide your "
             "API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."},
        )  # fmt: skip
    if not _KEY.match(key) or key in _revoked:
        masked = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:] if len(key) > 12 else "****"
        return _stripe_error(
            401, {"type": "invalid_request_error", "code": "api_key_expired" if key in _revoked else "invalid_api_key",
                  "message": f"Invalid API Key provided: {masked}"},
        )  # fmt: skip
    return None


def _fault_response(fault: Fault, request: web.Request) -> web.StreamResponse:
    if fault.drop:
        assert request.transport is not None
        request.transport.abort()  # no status line, no body: the client sees the connection reset
        request["dropped"] = True
        return web.Response()
    assert fault.status is not None
    headers = {"Request-Id": request["request_id"]}
    if fault.should_retry is not None:
        headers["Stripe-Should-Retry"] = "true" if fault.should_retry else "false"
    error = ERROR_BODIES.get(fault.status, {"type": "api_error", "message": f"HTTP {fault.status} (fault)"})
    return _stripe_error(fault.status, dict(error), headers)


@web.middleware
async def outer_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Control routes, the request log, Stripe's authentication, faults, request ids, and a
    Stripe-shaped 500 (not retried) for a bug in the fake instead of aiohttp's plain text."""
    if request.path.startswith("/_test/"):
        route = CONTROL.get((request.method, request.path))
        return await route(request) if route else web.Response(status=404)
    if not request.path.startswith("/v1/"):
        return await handler(request)
    request["request_id"] = "req_" + secrets.token_hex(7)
    entry: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "idempotency_key": request.headers.get("Idempotency-Key"),
        "status": None,
        "replayed": False,
        "fault": None,
    }
    _log.append(entry)
    fault = next((f for f in _faults if f.matches(request) and f.take()), None)
    if fault is not None:
        entry["fault"] = fault.describe()
    response: web.StreamResponse
    if fault is not None and fault.stage == "before":
        response = _fault_response(fault, request)
    else:
        response = _unauthenticated(request) or await _run(request, handler)
        if fault is not None:
            response = _fault_response(fault, request)
    _faults[:] = [f for f in _faults if not f.spent()]
    entry["status"] = None if request.get("dropped") else response.status
    entry["replayed"] = bool(request.get("replayed"))
    if not request.get("dropped"):
        response.headers.setdefault("Request-Id", request["request_id"])
    return response


async def _run(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as error:  # noqa: BLE001 (a bug in the fake, not Stripe behaviour: shown, answered)
        traceback.print_exc()
        return _stripe_error(
            500, {"type": "api_error", "message": f"the fake Stripe failed: {type(error).__name__}: {error}"},
            {"Stripe-Should-Retry": "false"},
        )  # fmt: skip


async def _add_faults(request: web.Request) -> web.Response:
    body = await request.json()
    for spec in body["faults"]:
        fault = Fault(**spec)
        if fault.drop == (fault.status is not None) or fault.stage not in ("before", "after") or fault.nth < 1:
            return web.json_response({"error": f"bad fault {spec}"}, status=400)
        _faults.append(fault)
    return web.json_response({"faults": len(_faults)})


async def _advance_clock(request: web.Request) -> web.Response:
    CLOCK.offset += float((await request.json())["advance_seconds"])
    return web.json_response({"now": CLOCK.now()})


async def _revoke(request: web.Request) -> web.Response:
    _revoked.add((await request.json())["api_key"])
    return web.json_response({})


async def _requests(request: web.Request) -> web.Response:
    return web.json_response({"requests": _log})


async def _reset(request: web.Request) -> web.Response:
    for reset_part in RESETS:
        reset_part()
    return web.json_response({})


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


CONTROL: dict[tuple[str, str], Callable[[web.Request], Awaitable[web.Response]]] = {
    ("POST", "/_test/faults"): _add_faults,
    ("POST", "/_test/clock"): _advance_clock,
    ("POST", "/_test/revoke"): _revoke,
    ("GET", "/_test/requests"): _requests,
    ("POST", "/_test/reset"): _reset,
    ("GET", "/_test/health"): _health,
}
RESETS: list[Callable[[], None]] = [reset]  # the server adds the other parts' resets
