"""Keyset cursors: the sort key of the last row of a page, opaque to clients (base64url JSON).

One codec for every paged list. A cursor a client altered is refused with 422 naming ``cursor``,
whatever it decodes to, never passed on to a database.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from billbo.errors import Unprocessable

CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,500}$"
_STORABLE = re.compile(r"^[^\x00\ud800-\udfff]*$")


def encode(*values: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode(cursor: str, count: int) -> list[str]:
    """The ``count`` strings ``cursor`` holds, or Unprocessable."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error) as exc:
        raise invalid() from exc
    if (
        not isinstance(values, list)
        or len(values) != count
        or not all(isinstance(value, str) and _STORABLE.match(value) for value in values)
    ):
        raise invalid()
    return values


def invalid() -> Unprocessable:
    return Unprocessable("Invalid cursor.", details=[{"field": "cursor", "message": "not a cursor BillBo made"}])
