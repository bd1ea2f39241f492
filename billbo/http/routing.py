"""How both APIs read a request before FastAPI validates it: exact, storable JSON, clean parameters.

Every route of both APIs uses :class:`BillboRoute` (through :func:`api_router`), so these rules hold
by construction, not route by route (docs/decisions.md, D13):

* A JSON body is decoded from strict UTF-8, with every non-integer number as an exact ``Decimal``
  (never through a float: ``"0.1"`` and ``0.1`` mean the same price), and NaN or Infinity refused.
  A body that is not JSON is 400 ``malformed_json``.
* No string anywhere in the body, in its keys, in the query or in the path may hold a NUL character
  or a lone surrogate (Postgres cannot store either; they are never meaningful in a name, an email
  or metadata), and a body may nest at most ``MAX_DEPTH`` levels: 422 naming the field.

A route whose body is checked on its exact bytes (a signed webhook) uses :func:`raw_body_router`
instead: its path and query are checked the same way, its body is left to the route, which reads
it with :func:`read_body` under a limit of its own.
"""

from __future__ import annotations

import email.message
import json
import re
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

from billbo.errors import MalformedJson, PayloadTooLarge, Unprocessable

MAX_DEPTH = 32
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_UNSTORABLE_MESSAGE = "must not contain NUL characters or unpaired surrogates"


def api_router(**kwargs: Any) -> APIRouter:
    """An ``APIRouter`` whose routes read requests by BillBo's rules."""
    return APIRouter(route_class=BillboRoute, **kwargs)


def raw_body_router(**kwargs: Any) -> APIRouter:
    """An ``APIRouter`` whose routes read their body themselves, as bytes (see :func:`read_body`)."""
    return APIRouter(route_class=RawBodyRoute, **kwargs)


class BillboRoute(APIRoute):
    decodes_body = True

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            for location, values in (("path", request.path_params), ("query", request.query_params)):
                for name, value in values.items():
                    if isinstance(value, str) and _UNSTORABLE.search(value):
                        raise _unprocessable(name, f"{location} parameter {name} {_UNSTORABLE_MESSAGE}")
            if not self.decodes_body:
                return await handler(request)
            body = await request.body()
            if body and _is_json(request.headers.get("content-type")):
                # FastAPI reads the body through ``request.json()``, which returns what is cached.
                request._json = decoded = decode_json(body)
                if self.body_field is not None and not isinstance(decoded, dict):
                    # Every BillBo body is an object; FastAPI would let a bare number through to a
                    # model whose fields are all optional.
                    raise _unprocessable("body", "must be a JSON object")
            return await handler(request)

        return checked


class RawBodyRoute(BillboRoute):
    """Path and query checked as everywhere; the body neither read nor decoded before the route."""

    decodes_body = False


async def read_body(request: Request, limit: int) -> bytes:
    """The request body as sent, refused with 413 as soon as it is known to be larger than ``limit``
    bytes: by its ``Content-Length`` before any of it is read, else while it streams in."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        parts.append(chunk)
    return b"".join(parts)


def decode_json(body: bytes) -> Any:
    """``body`` as JSON by the rules above; raises MalformedJson (400) or Unprocessable (422)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedJson(f"The body is not UTF-8 (byte {exc.start}).") from exc
    try:
        value = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise MalformedJson(f"The body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from exc
    except _NonFinite as exc:
        raise MalformedJson(f"The body is not valid JSON: {exc} is not a JSON number.") from exc
    except RecursionError as exc:
        raise MalformedJson(f"The body nests deeper than {MAX_DEPTH} levels.") from exc
    except ValueError as exc:  # an integer of more digits than Python converts
        raise MalformedJson(f"The body is not valid JSON: {exc}.") from exc
    _check(value, (), 0)
    return value


class _NonFinite(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NonFinite(name)


def _check(value: Any, path: tuple[str, ...], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise _unprocessable(".".join(path), f"nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            raise _unprocessable(".".join(path), _UNSTORABLE_MESSAGE)
    elif isinstance(value, dict):
        for key, item in value.items():
            if _UNSTORABLE.search(key):
                raise _unprocessable(".".join(path) or "body", f"a key {_UNSTORABLE_MESSAGE}")
            _check(item, (*path, key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, (*path, str(index)), depth + 1)


def _unprocessable(field: str, message: str) -> Unprocessable:
    return Unprocessable(
        f"Invalid {field or 'body'}: {message}.", details=[{"field": field or "body", "message": message}]
    )


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return True
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))
