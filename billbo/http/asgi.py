"""Small ASGI helpers for the code that serves requests without a framework."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

Receive = Callable[[], Awaitable[dict[str, Any]]]


class ClientGone(Exception):
    """The client disconnected before sending its whole body."""


async def body_chunks(receive: Receive) -> AsyncIterator[bytes]:
    """The request body as it arrives; raises ClientGone if the client leaves half-way."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return
