"""The rules an event must meet, and the 422 details when some do not: every check of the ingest
contract, in this one module (the OpenAPI schema in ingest/events/router.py publishes them).

The fast pass (``checked``) decodes the whole body with msgspec and checks each event's rules in
one cheap loop. Only when something is wrong does the slow path (``explain``) run: it parses the
body again, tolerantly, and checks it event by event to report every bad event (``index``,
``field``, ``message``) rather than the first. The slow path explains; it never accepts what the
fast pass refused. Whatever the body holds (any JSON type in any field, lone surrogates, bytes
that are not UTF-8, nesting thousands of levels deep), the answer is a 4xx naming the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow
from typing import Any

import msgspec

from billbo.errors import MalformedJson
from billbo.events.schemas import BODY_DECODER, EVENT_FIELDS, REQUIRED_FIELDS, Body, EventIn, SentEvent
from billbo.ids import uuid7

# The amount rule: exact, at most SCALE digits after the point, |amount| < 10^MAX_AMOUNT_EXPONENT.
# A JSON number may be written any way JSON allows (1.5, 15e-1). A decimal string is written
# plainly, as DECIMAL_STRING_PATTERN says (no sign but '-', no exponent, no spaces, ASCII digits),
# so that the string alone shows the rule is met: Python's Decimal() would also take "+1", " 1",
# "1_000" or Arabic-Indic digits. The OpenAPI schema publishes both forms (ingest/events/router.py).
SCALE = 12  # digits after the point in ClickHouse's Decimal(38, 12)
MAX_AMOUNT_EXPONENT = 26
MAX_SCALED = 10 ** (MAX_AMOUNT_EXPONENT + SCALE)  # |amount * 10^12| must fit 38 digits
_DECIMAL_STRING = rf"-?[0-9]{{1,{MAX_AMOUNT_EXPONENT}}}(\.[0-9]{{1,{SCALE}}})?"
DECIMAL_STRING_PATTERN = f"^{_DECIMAL_STRING}$"
_DECIMAL_STRING_RE = re.compile(_DECIMAL_STRING)

# The event id rule, in this one place: 1 to MAX_EVENT_ID characters (code points), none of them
# a control character (Unicode category Cc: U+0000-U+001F, U+007F-U+009F) or a surrogate
# (U+D800-U+DFFF: never text on its own). Both sets are fixed across Unicode versions, so the rule
# cannot drift with Python's Unicode tables. The OpenAPI schema publishes it as minLength/maxLength
# and EVENT_ID_PATTERN, which leaves surrogates out: a JSON schema string is Unicode text already,
# and regex engines in other languages (Rust's, which schemathesis uses) refuse them in a pattern.
MAX_EVENT_ID = 128
_CONTROL = r"\u0000-\u001f\u007f-\u009f"
EVENT_ID_PATTERN = f"^[^{_CONTROL}]*$"
_EVENT_ID = re.compile(rf"[^{_CONTROL}\ud800-\udfff]{{1,{MAX_EVENT_ID}}}")
EVENT_ID_RULE = f"1 to {MAX_EVENT_ID} characters, without control characters (U+0000-U+001F, U+007F-U+009F)"


def valid_event_id(event_id: str) -> bool:
    """Whether ``event_id`` meets the event id rule."""
    if event_id.isascii() and 0 < len(event_id) <= MAX_EVENT_ID:
        return event_id.isprintable()  # on ASCII exactly "no control character", and cheaper
    return _EVENT_ID.fullmatch(event_id) is not None


@dataclass(frozen=True, slots=True)
class Problem:
    index: int | None
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        # A field name or a message may quote what the client sent, lone surrogates included:
        # the answer must still encode as UTF-8.
        return {"index": self.index, "field": _printable(self.field), "message": _printable(self.message)}


@dataclass(frozen=True, slots=True)
class Window:
    """The sent_at values a merchant may send now."""

    earliest: dt.datetime
    latest: dt.datetime
    backdating: dt.timedelta
    ahead: dt.timedelta


_DECIMALS = msgspec.json.Decoder(list[Decimal])
_DECIMAL = msgspec.json.Decoder(Decimal)
_TEXT = msgspec.json.Decoder(str)
_QUOTE = ord('"')


def amounts_of(raws: Sequence[msgspec.Raw]) -> list[Decimal] | None:
    """The exact amounts of a request from their JSON texts, or None if one breaks the syntax."""
    if len(raws) == 1:
        amount = amount_of(raws[0])
        return None if amount is None else [amount]
    joined = b",".join(raws)
    if b'"' not in joined:  # numbers only, the usual case: one decode for all of them
        try:
            return _DECIMALS.decode(b"[" + joined + b"]")
        except (msgspec.DecodeError, RecursionError):
            return None
    amounts = []
    for raw in raws:
        amount = amount_of(raw)
        if amount is None:
            return None
        amounts.append(amount)
    return amounts


def amount_of(raw: msgspec.Raw | bytes) -> Decimal | None:
    """One amount from its JSON text: a number, or a string by the decimal string syntax."""
    try:
        if memoryview(raw)[0] != _QUOTE:
            return _DECIMAL.decode(raw)
        text = _TEXT.decode(raw)
    except (msgspec.DecodeError, RecursionError):
        return None
    return Decimal(text) if _DECIMAL_STRING_RE.fullmatch(text) else None


# Wide enough that moving the point never rounds a storable amount; any rounding (an amount of
# more than 100 significant digits) would change the amount, so it is trapped, never applied.
_EXACT = Context(prec=100, traps=[InvalidOperation, Inexact, Overflow])


def scaled_amount(amount: Decimal) -> int | str:
    """``amount`` as an integer count of 10^-12, or the reason it cannot be stored exactly."""
    try:
        shifted = amount.scaleb(SCALE, _EXACT)
        value = int(shifted)
    except (ArithmeticError, ValueError):  # NaN, Infinity, or more digits than the context holds
        if not amount.is_finite():
            return "must be a finite number"
        if amount.adjusted() >= MAX_AMOUNT_EXPONENT:
            return f"must be less than 10^{MAX_AMOUNT_EXPONENT} in absolute value"
        return f"has more than {SCALE} digits after the decimal point"
    if value != shifted:
        return f"has more than {SCALE} digits after the decimal point"
    if not -MAX_SCALED < value < MAX_SCALED:
        return f"must be less than 10^{MAX_AMOUNT_EXPONENT} in absolute value"
    return value


def event_problems(index: int, event: SentEvent, window: Window) -> list[Problem]:
    """Every rule ``event`` breaks on its own (an empty list when it is fine)."""
    problems: list[Problem] = []
    scaled = scaled_amount(event.amount)
    if isinstance(scaled, str):
        problems.append(Problem(index, "amount", f"amount {scaled}"))
    sent_at = event.sent_at
    if sent_at.tzinfo is None:
        problems.append(Problem(index, "sent_at", "sent_at needs a UTC offset (RFC 3339), e.g. 2026-11-24T21:05:00Z"))
    elif sent_at > window.latest:
        problems.append(Problem(index, "sent_at", f"sent_at is more than {duration(window.ahead)} in the future"))
    elif sent_at < window.earliest:
        days = window.backdating.total_seconds() / 86400
        problems.append(
            Problem(index, "sent_at", f"sent_at is older than this merchant's backdating window ({days:g} days)")
        )
    event_id = event.event_id
    if event_id is not msgspec.UNSET and not valid_event_id(event_id):
        problems.append(Problem(index, "event_id", f"event_id must be {EVENT_ID_RULE}"))
    return problems


def duration(span: dt.timedelta) -> str:
    """A setting in seconds as a reader counts it: ``300 seconds (5 minutes)``."""
    seconds = int(span.total_seconds())
    text = f"{seconds} second{'s' * (seconds != 1)}"
    for unit, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= unit and seconds % unit == 0:
            count = seconds // unit
            return f"{text} ({count} {name}{'s' * (count != 1)})"
    return text


def events_of(body: Body) -> list[EventIn] | None:
    """The events of a decoded body, or None when its shape is wrong (the slow path says how)."""
    unset = msgspec.UNSET
    customer_id, sku_id, amount, sent_at = body.customer_id, body.sku_id, body.amount, body.sent_at
    if body.events is not unset:  # nothing beside "events"
        if customer_id is unset and sku_id is unset and amount is unset and sent_at is unset:
            return body.events if body.event_id is unset else None
        return None
    if customer_id is unset or sku_id is unset or amount is unset or sent_at is unset:
        return None
    return [EventIn(customer_id, sku_id, amount, sent_at, body.event_id)]


Checked = tuple[list[EventIn], list[str], list[int]]


def checked(raw: bytes, window: Window, max_events: int) -> Checked | None:
    """The events of a request body, their ids (assigned where missing) and exact scaled amounts,
    in one cheap pass over the body: None as soon as anything is wrong (``explain`` says what)."""
    try:
        body = BODY_DECODER.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return None
    decoded = events_of(body)
    if decoded is None or not 0 < len(decoded) <= max_events:
        return None
    amounts = amounts_of([event.amount for event in decoded])
    if amounts is None:
        return None
    ids: list[str] = []
    scaled_amounts: list[int] = []
    seen: set[str] = set()
    earliest, latest = window.earliest, window.latest
    for event, amount in zip(decoded, amounts, strict=True):
        scaled = scaled_amount(amount)
        sent_at = event.sent_at
        event_id = event.event_id
        if isinstance(scaled, str) or sent_at.tzinfo is None or not earliest <= sent_at <= latest:
            return None
        if event_id is msgspec.UNSET:
            event_id = str(uuid7())
        elif event_id in seen or not valid_event_id(event_id):
            return None
        else:
            seen.add(event_id)
        ids.append(event_id)
        scaled_amounts.append(scaled)
    return decoded, ids, scaled_amounts


# The slow path.

_PARSE: dict[str, Any] = {"parse_float": Decimal, "parse_int": Decimal, "parse_constant": str}  # exact; NaN named
_JSON_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "customer_id": ((str,), "a string (a UUID)"),
    "sku_id": ((str,), "a string (a UUID)"),
    "amount": ((Decimal, str), "a number or a decimal string"),
    "sent_at": ((str,), "a string (an RFC 3339 date-time)"),
    "event_id": ((str,), "a string (leave it out and BillBo assigns a UUIDv7)"),
}
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of bytes that are not UTF-8


def explain(raw: bytes, window: Window, max_events: int) -> list[Problem]:
    """Every problem of a body the fast path refused, event by event; raises MalformedJson when
    the body is not UTF-8 JSON at all."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(raw, exc) from exc
    try:
        document = json.loads(text, **_PARSE)
    except RecursionError:
        return [_too_deep(raw)]
    except ValueError as exc:
        raise MalformedJson(f"The body is not valid JSON: {exc}.") from exc
    items, shape_problem = _items(document, max_events)
    if shape_problem is not None:
        return [shape_problem]
    problems: list[Problem] = []
    for index, item in enumerate(items):
        problems += _item_problems(index, item, window)
    problems += _duplicates(items)
    return sorted(problems, key=lambda p: (-1 if p.index is None else p.index, p.field))


def _items(document: Any, max_events: int) -> tuple[list[Any], Problem | None]:
    if not isinstance(document, dict):
        return [], Problem(None, "body", 'the body must be an event object or {"events": [...]}')
    if "events" not in document:
        return [document], None
    extra = sorted(set(document) - {"events"})
    items = document["events"]
    problem = None
    if extra:
        problem = Problem(None, extra[0], f"unknown field {extra[0]!r} beside 'events'")
    elif not isinstance(items, list):
        problem = Problem(None, "events", "events must be a list of event objects")
    elif not items:
        problem = Problem(None, "events", "events must hold at least one event")
    elif len(items) > max_events:
        problem = Problem(None, "events", f"at most {max_events} events per request")
    return (items if problem is None else []), problem


def _item_problems(index: int, item: Any, window: Window) -> list[Problem]:
    if not isinstance(item, dict):
        return [Problem(index, "event", "each event must be a JSON object")]
    problems = [Problem(index, name, f"unknown field {name!r}") for name in sorted(set(item) - set(EVENT_FIELDS))]
    problems += [Problem(index, name, f"{name} is required") for name in REQUIRED_FIELDS if name not in item]
    for name, (types, kind) in _JSON_TYPES.items():
        value = item.get(name, _ABSENT)
        if value is _ABSENT:
            continue
        if not isinstance(value, types):
            problems.append(Problem(index, name, f"{name} must be {kind}, not {_json_type(value)}"))
        elif isinstance(value, str) and _SURROGATE.search(value):
            problems.append(Problem(index, name, f"{name} must be UTF-8 text, without lone surrogates"))
    if problems:
        return problems
    amount = item["amount"]
    if isinstance(amount, str) and not _DECIMAL_STRING_RE.fullmatch(amount):
        return [Problem(index, "amount", _decimal_string_problem(amount))]
    try:
        event = msgspec.convert(item, SentEvent)  # the fast path's own parsers: the same rules
    except msgspec.ValidationError as exc:
        return [_problem_of(exc, index)]
    return event_problems(index, event, window)


_ABSENT = object()


def _decimal_string_problem(text: str) -> str:
    """Why a string is not a decimal string: the amount rule it breaks (bare NaN literals parse
    as "NaN"), or else its syntax."""
    try:
        reason = scaled_amount(Decimal(text))
    except ArithmeticError:
        reason = 0
    if isinstance(reason, str):
        return f"amount {reason}"
    return f'amount must be a number, or a decimal string written plainly like "-2.5" ({DECIMAL_STRING_PATTERN})'


def _duplicates(items: list[Any]) -> list[Problem]:
    """One problem per event whose id an earlier event of the same request already has."""
    first: dict[str, int] = {}
    problems = []
    for index, item in enumerate(items):
        event_id = item.get("event_id") if isinstance(item, dict) else None
        if not isinstance(event_id, str):
            continue
        if event_id in first:
            message = f"event_id {event_id!r} appears twice in this request (first at index {first[event_id]})"
            problems.append(Problem(index, "event_id", message))
        else:
            first[event_id] = index
    return problems


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Decimal):
        return "a number"
    return "an array" if isinstance(value, list) else "an object" if isinstance(value, dict) else "a string"


class _Batch(msgspec.Struct, forbid_unknown_fields=True):
    events: list[SentEvent]


_BATCH = msgspec.json.Decoder(_Batch)
_EVENT = msgspec.json.Decoder(SentEvent)


def _too_deep(raw: bytes) -> Problem:
    """The problem of a body nested deeper than Python parses. msgspec's typed decode never
    descends into a value of the wrong type, so its refusal names the field."""
    for decoder in (_BATCH, _EVENT):
        try:
            decoder.decode(raw)
        except msgspec.ValidationError as exc:
            if decoder is _BATCH and "`$.events" not in str(exc):
                continue  # not a batch: read it as one event
            return _problem_of(exc)
        except (msgspec.DecodeError, RecursionError):
            pass
    return Problem(None, "body", 'the body nests too deeply to be an event object or {"events": [...]}')


_PATH = re.compile(r"\$(?:\.events\[(\d+)\])?(?:\.(\w+))?")
_NAMED = re.compile(r"Object (?:contains unknown|missing required) field `(.*)`")


def _problem_of(error: msgspec.ValidationError, index: int | None = None) -> Problem:
    """A msgspec refusal as a problem: its path (``$.events[3].amount``) gives index and field."""
    message, _, path = str(error).partition(" - at `")
    found = _PATH.fullmatch(path.rstrip("`") or "$")
    if found is None:
        return Problem(index, "body" if index is None else "event", message)
    position, field = found.groups()
    if position is not None:
        index = int(position)
    named = _NAMED.fullmatch(message)
    if field is None and named is not None:
        field = named.group(1)  # the object at the path has an unknown field, or lacks one
    elif field is None:
        return Problem(index, "body" if index is None else "event", message)
    else:
        message = f"{field}: {message}"
    if index is None and field != "events":
        index = 0  # a field of a single event
    return Problem(index, field, message)


def _not_utf8(raw: bytes, error: UnicodeDecodeError) -> MalformedJson:
    """400: JSON is UTF-8 (RFC 8259). The details name the field holding the bad bytes."""
    message = f"The body is not UTF-8 (byte {error.start}); nothing was stored."
    try:
        document = json.loads(raw.decode("utf-8", "surrogateescape"), **_PARSE)
    except (ValueError, RecursionError):
        return MalformedJson(message)
    events = document.get("events") if isinstance(document, dict) else None
    items = events if isinstance(events, list) else [document]
    for index, item in enumerate(items):
        for name, value in item.items() if isinstance(item, dict) else ():
            if _NOT_UTF8.search(name) or (isinstance(value, str) and _NOT_UTF8.search(value)):
                problem = Problem(index, name, f"{name} is not UTF-8 text")
                return MalformedJson(message, details=[problem.as_dict()])
    return MalformedJson(message)


def _printable(text: str) -> str:
    return text if text.isascii() else text.encode("utf-8", "backslashreplace").decode("utf-8")
