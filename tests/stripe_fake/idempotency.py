"""``Idempotency-Key`` as Stripe documents it (https://docs.stripe.com/api/idempotent_requests).

* A POST with a key runs once per key and API key (Stripe scopes keys to the account); a retry
  with the same key and the same parameters gets the saved status and body again, with
  ``Idempotent-Replayed: true``, and nothing runs a second time.
* The same key with other parameters, or on another endpoint, is 400 ``idempotency_error``.
* A retry while the first request is still running is 409 (the SDK retries 409).
* Results are saved once the endpoint ran: successes, card errors and 5xx. A request refused by
  validation (400, 404) is not saved, as Stripe does not save one that failed validation.
* Keys are forgotten 24 hours after first use, by the fake's clock (``control.CLOCK``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from tests.stripe_fake.control import CLOCK, api_key

KEY_LIFETIME_SECONDS = 24 * 3600
MAX_KEY_LENGTH = 255

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Saved:
    fingerprint: tuple[str, str, tuple[tuple[str, str], ...]]
    status: int
    body: bytes
    content_type: str
    request_id: str
    saved_at: float


_saved: dict[tuple[str, str], Saved] = {}
_running: set[tuple[str, str]] = set()


def reset() -> None:
    _saved.clear()
    _running.clear()


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": {"type": "idempotency_error", "message": message}}, status=status)


def _saves(status: int) -> bool:
    return status < 400 or status == 402 or status >= 500


@web.middleware
async def idempotency_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or key is None or not request.path.startswith("/v1/"):
        return await handler(request)  # Stripe ignores keys on GET and DELETE
    if not key or len(key) > MAX_KEY_LENGTH:
        return _error(400, f"Idempotency keys are 1 to {MAX_KEY_LENGTH} characters long.")
    scope = (api_key(request), key)
    form = await request.post()
    fingerprint = (request.method, request.path, tuple(sorted((k, str(v)) for k, v in form.items())))
    saved = _saved.get(scope)
    if saved is not None and saved.saved_at + KEY_LIFETIME_SECONDS <= CLOCK.now():
        del _saved[scope]
        saved = None
    if saved is not None:
        if saved.fingerprint != fingerprint:
            return _error(
                400,
                "Keys for idempotent requests can only be used with the same parameters they were first used with. "
                f"Try using a key other than '{key}' if you meant to execute a different request.",
            )
        request["replayed"] = True
        return web.Response(
            status=saved.status,
            body=saved.body,
            content_type=saved.content_type,
            headers={"Idempotent-Replayed": "true", "Original-Request": saved.request_id},
        )
    if scope in _running:
        return _error(
            409,
            "There is currently another in-progress request using this Idempotent Key (that probably means you "
            "submitted twice, and the other request is still going through). Please try again later.",
        )
    _running.add(scope)
    try:
        response = await handler(request)
    finally:
        _running.discard(scope)
    if isinstance(response, web.Response) and isinstance(response.body, bytes) and _saves(response.status):
        _saved[scope] = Saved(
            fingerprint, response.status, response.body, response.content_type, request["request_id"], CLOCK.now()
        )
    return response
