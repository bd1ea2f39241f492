"""POST /v1/events against hostile bodies: every one is a 4xx naming the field, and nothing is stored.

Found by a hostile test (schemathesis and hand probes) as 500s or wrongly accepted requests: ids
of any JSON type, lone surrogates, NUL characters, nesting thousands of levels deep, numbers no
float holds, years outside 1000-9999, bytes that are not UTF-8.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client
from fastapi.testclient import TestClient

from tests.ingest.conftest import MerchantKey
from tests.ingest.events.test_post_events import event, post, stored

FIELDS = ("customer_id", "sku_id", "amount", "sent_at", "event_id")
DEEP = "[" * 3000 + "]" * 3000


def with_raw(field: str, raw: str, **overrides: Any) -> str:
    """An event's JSON text with ``field`` written as the JSON text ``raw``."""
    body = event(**overrides)
    body.pop(field, None)
    return json.dumps(body)[:-1] + f', "{field}": {raw}}}'


def batch_of(bad: str) -> str:
    """A batch with ``bad`` (JSON text) at index 1 between two good events."""
    return f'{{"events": [{json.dumps(event(event_id="fine-0"))}, {bad}, {json.dumps(event(event_id="fine-2"))}]}}'


def refused(response: Any, status: int = 422) -> list[tuple[Any, str]]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == ("validation_error" if status == 422 else "malformed_json")
    return [(d["index"], d["field"]) for d in error["details"] or []]


def assert_refused(ingest: TestClient, merchant: MerchantKey, ch: Client, field: str, raw: str) -> None:
    """Refused naming ``field`` as a single event (index 0) and inside a batch (index 1)."""
    assert refused(post(ingest, merchant, with_raw(field, raw))) == [(0, field)]
    assert refused(post(ingest, merchant, batch_of(with_raw(field, raw, event_id="bad-1")))) == [(1, field)]
    assert stored(ch, merchant) == []


WRONG_TYPES = ["{}", '{"a": 1}', "[]", '["x"]', "true", "false", "null"]


@pytest.mark.parametrize("raw", [*WRONG_TYPES, "7", "1.5", "-0"])
@pytest.mark.parametrize("field", ["customer_id", "sku_id", "sent_at", "event_id"])
def test_a_string_field_of_another_json_type_is_named(
    ingest: TestClient, merchant: MerchantKey, ch: Client, field: str, raw: str
) -> None:
    assert_refused(ingest, merchant, ch, field, raw)


@pytest.mark.parametrize("raw", WRONG_TYPES)
def test_an_amount_of_another_json_type_is_named(
    ingest: TestClient, merchant: MerchantKey, ch: Client, raw: str
) -> None:
    assert_refused(ingest, merchant, ch, "amount", raw)


def test_a_null_event_id_is_refused_not_assigned(ingest: TestClient, merchant: MerchantKey, ch: Client) -> None:
    response = post(ingest, merchant, event(event_id=None))
    assert refused(response) == [(0, "event_id")]
    assert "leave it out" in response.json()["error"]["details"][0]["message"]
    assert stored(ch, merchant) == []


@pytest.mark.parametrize("raw", [r'"a\u0000b"', r'"x\ud800y"', r'"\udc00"', r'"\ud800\ud800"'])
@pytest.mark.parametrize("field", FIELDS)
def test_nul_characters_and_lone_surrogates_are_named(
    ingest: TestClient, merchant: MerchantKey, ch: Client, field: str, raw: str
) -> None:
    assert_refused(ingest, merchant, ch, field, raw)


@pytest.mark.parametrize(
    "event_id",
    ["", "x" * 129, "😀" * 129, "line\nbreak", "del\x7f", "c1\x85control", "esc\x1b[0m", "\x00"],
)
def test_event_ids_break_the_rule(ingest: TestClient, merchant: MerchantKey, ch: Client, event_id: str) -> None:
    response = post(ingest, merchant, event(event_id=event_id))
    assert refused(response) == [(0, "event_id")]
    assert "1 to 128 characters, without control characters" in response.json()["error"]["details"][0]["message"]
    assert stored(ch, merchant) == []


@pytest.mark.parametrize("event_id", ["ünïcødé 😀", "😀" * 128, "\u00a0nbsp", "a b/c?d#e", "'\"\\"])
def test_printable_event_ids_are_stored_as_sent(
    ingest: TestClient, merchant: MerchantKey, ch: Client, event_id: str
) -> None:
    response = post(ingest, merchant, event(event_id=event_id))
    assert response.status_code == 202, response.text
    assert [row[0] for row in stored(ch, merchant)] == [event_id]


@pytest.mark.parametrize("field", FIELDS)
def test_deep_nesting_as_a_field_is_named(ingest: TestClient, merchant: MerchantKey, ch: Client, field: str) -> None:
    assert_refused(ingest, merchant, ch, field, DEEP)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (DEEP, [(None, "body")]),
        ('{"a": ' * 3000 + "1" + "}" * 3000, [(0, "a")]),  # an event with an unknown field
        (batch_of(DEEP), [(1, "event")]),
        ('{"events": ' + DEEP + "}", [(0, "event")]),
        (with_raw("colour", DEEP), [(0, "colour")]),
        ("[" * 100_000 + "]" * 100_000, [(None, "body")]),
    ],
)
def test_deeply_nested_bodies_are_422(
    ingest: TestClient, merchant: MerchantKey, ch: Client, body: str, expected: list[tuple[Any, str]]
) -> None:
    assert refused(post(ingest, merchant, body)) == expected
    assert stored(ch, merchant) == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1e400", "10^26"),
        ("-1e400", "10^26"),
        ("1e999999999", "10^26"),
        ("9" * 5000, "10^26"),
        ("1e-400", "12 digits"),
        ("1." + "0" * 150 + "1", "12 digits"),  # more digits than the exact context holds: not rounded to 1
        ("0.0000000000005", "12 digits"),
    ],
)
def test_amounts_no_float_holds_are_refused_exactly(
    ingest: TestClient, merchant: MerchantKey, ch: Client, raw: str, message: str
) -> None:
    response = post(ingest, merchant, with_raw("amount", raw))
    assert refused(response) == [(0, "amount")]
    assert message in response.json()["error"]["details"][0]["message"]
    assert_refused(ingest, merchant, ch, "amount", raw)


NOT_PLAIN = ["+1", " 1", "1 ", "1_000", "1e3", "1E+3", "\u0661", "1.", ".5", "0x10", "", "-", "0" * 27, "nan"]


@pytest.mark.parametrize("text", [*NOT_PLAIN, "1.0000000000000"])
def test_decimal_strings_are_written_plainly(ingest: TestClient, merchant: MerchantKey, ch: Client, text: str) -> None:
    assert_refused(ingest, merchant, ch, "amount", json.dumps(text))


@pytest.mark.parametrize(
    ("raw", "exact"),
    [
        ('"-2.5"', "-2.5"),
        ('"007"', "7"),
        ('"0.000000000001"', "0.000000000001"),
        ('"99999999999999999999999999.999999999999"', "99999999999999999999999999.999999999999"),
        ("99999999999999999999999999.999999999999", "99999999999999999999999999.999999999999"),
        ("1.500000000000000000", "1.5"),  # trailing zeros in a number are not precision
        ("15e-1", "1.5"),
        ("-0", "0"),
    ],
)
def test_amounts_at_the_edges_are_stored_exactly(
    ingest: TestClient, merchant: MerchantKey, ch: Client, raw: str, exact: str
) -> None:
    response = post(ingest, merchant, with_raw("amount", raw, event_id="edge"))
    assert response.status_code == 202, response.text
    assert [row[3] for row in stored(ch, merchant)] == [Decimal(exact)]


@pytest.mark.parametrize(
    "sent_at",
    [
        "0999-12-31T23:59:59Z",
        "0001-01-01T00:00:00+05:00",
        "0000-01-01T00:00:00Z",
        "10000-01-01T00:00:00Z",
        "9999-12-31T23:59:59-05:00",
        "2026-12-01T00:00:00",
        "2026-12-01",
        "2026-12-01T24:00:00Z",
    ],
)
def test_sent_at_outside_the_years_or_without_offset_is_named(
    ingest: TestClient, merchant: MerchantKey, ch: Client, sent_at: str
) -> None:
    assert_refused(ingest, merchant, ch, "sent_at", json.dumps(sent_at))


def _raw_event(field: str, value: bytes) -> bytes:
    """An event's JSON bytes with ``field``'s string value holding ``value`` as is."""
    body = event()
    body.pop(field, None)
    return json.dumps(body).encode()[:-1] + f', "{field}": "'.encode() + value + b'"}'


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_raw_event("event_id", b"caf\xe9"), "event_id"),  # Latin-1
        (_raw_event("event_id", b"\xc3\x28"), "event_id"),  # a broken two-byte sequence
        (_raw_event("customer_id", b"\xed\xa0\x80"), "customer_id"),  # a surrogate, encoded as if UTF-8
        (_raw_event("colour", b"\xff"), "colour"),
        (b'{"events": [' + json.dumps(event()).encode() + b", " + _raw_event("sent_at", b"\xfe") + b"]}", "sent_at"),
    ],
)
def test_bytes_that_are_not_utf8_are_400_naming_the_field(
    ingest: TestClient, merchant: MerchantKey, ch: Client, body: bytes, field: str
) -> None:
    response = post(ingest, merchant, body)
    expected_index = 1 if body.startswith(b'{"events"') else 0
    assert refused(response, 400) == [(expected_index, field)]
    assert "not UTF-8" in response.json()["error"]["message"]
    assert stored(ch, merchant) == []


@pytest.mark.parametrize(
    "body",
    [
        b'{"amount": \xff}',
        b"\xef\xbb\xbf" + json.dumps(event()).encode(),  # a UTF-8 byte order mark
        json.dumps(event()).encode("utf-16"),
        json.dumps(event()).encode("utf-32-le"),
        b"",
        ('{"event_id": "raw\ttab", ' + json.dumps(event())[1:]).encode(),  # control characters must be escaped
    ],
)
def test_bodies_that_are_not_utf8_json_are_400(
    ingest: TestClient, merchant: MerchantKey, ch: Client, body: bytes
) -> None:
    refused(post(ingest, merchant, body), 400)
    assert stored(ch, merchant) == []


def test_rejections_are_counted_by_known_reasons_only(ingest: TestClient, merchant: MerchantKey) -> None:
    post(ingest, merchant, event(**{"made-up-field-1234": 1}))
    metrics = ingest.get("/metrics").text
    assert 'reason="unknown_field"' in metrics
    assert "made-up-field-1234" not in metrics  # a client cannot grow the label set
