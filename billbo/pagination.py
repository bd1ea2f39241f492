"""Keyset cursors: where the next page starts, as ``<fixed-form key>~<text key>``.

A cursor is a position in a list's sort order, not a token: any cursor that matches its list's
pattern (in the OpenAPI schema) is a valid position, so a client that follows the schema is never
refused, and a page simply starts after that position. Clients should still treat cursors as
opaque and pass back the ``next_cursor`` they were given.
"""

from __future__ import annotations

import datetime as dt
import uuid

from billbo.errors import Unprocessable

_TEXT = r"[^\x00]"  # any text BillBo stores (no NUL)
EVENT_CURSOR = rf"^-?[0-9]{{1,19}}~{_TEXT}{{0,128}}$"
"""Events, newest first: ``<sent_at in microseconds since 1970>~<event_id>``."""
CUSTOMER_CURSOR = rf"^[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}~{_TEXT}{{0,500}}$"
"""Customers by name: ``<customer id>~<lower-cased name>``."""

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def event_cursor(sent_at: dt.datetime, event_id: str) -> str:
    micros = (sent_at - _EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}~{event_id}"


def event_position(cursor: str) -> tuple[dt.datetime, str]:
    micros, event_id = _split(cursor)
    try:
        return _EPOCH + dt.timedelta(microseconds=int(micros)), event_id
    except ValueError as exc:
        raise _invalid() from exc
    except OverflowError:  # beyond the years a datetime holds: before or after every event
        return (dt.datetime.min if micros.startswith("-") else dt.datetime.max).replace(tzinfo=dt.UTC), event_id


def customer_cursor(customer_id: uuid.UUID, name: str) -> str:
    return f"{customer_id}~{name.lower()}"


def customer_position(cursor: str) -> tuple[str, uuid.UUID]:
    customer_id, name = _split(cursor)
    try:
        return name, uuid.UUID(customer_id)
    except ValueError as exc:
        raise _invalid() from exc


def _split(cursor: str) -> tuple[str, str]:
    head, separator, tail = cursor.partition("~")
    if not separator:
        raise _invalid()
    return head, tail


def _invalid() -> Unprocessable:
    return Unprocessable("Invalid cursor.", details=[{"field": "cursor", "message": "not a cursor BillBo made"}])
