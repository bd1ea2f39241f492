"""POST /v1/events: what is accepted, what is refused and why, and that refused means not stored."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client
from fastapi.testclient import TestClient

from tests.ingest.conftest import MerchantKey

CUSTOMER = "0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6a"
SKU = "0190c1e3-0a1b-7c3e-8d2a-1f2e3d4c5b6b"


def now_iso(delta: dt.timedelta = dt.timedelta()) -> str:
    return (dt.datetime.now(dt.UTC) + delta).isoformat()


def event(**overrides: Any) -> dict[str, Any]:
    return {"customer_id": CUSTOMER, "sku_id": SKU, "amount": 1, "sent_at": now_iso(), **overrides}


def post(client: TestClient, merchant: MerchantKey, body: Any, **kwargs: Any) -> Any:
    content = body if isinstance(body, (bytes, str)) else json.dumps(body)
    headers = {**merchant.headers, "Content-Type": "application/json", **kwargs.pop("headers", {})}
    return client.post("/v1/events", content=content, headers=headers, **kwargs)


def stored(ch: Client, merchant: MerchantKey) -> list[Any]:
    return list(
        ch.query(
            "SELECT event_id, customer_id, sku_id, amount, sent_at FROM events FINAL "
            "WHERE merchant_id = {m:UUID} ORDER BY event_id",
            parameters={"m": merchant.merchant_id},
        ).result_rows
    )


def test_one_event_is_stored_exactly_before_the_202(ingest: TestClient, merchant: MerchantKey, ch: Client) -> None:
    utc = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).replace(microsecond=123456)
    sent_at = utc.astimezone(dt.timezone(dt.timedelta(hours=1))).isoformat()  # +01:00: stored as UTC
    body = event(event_id="evt-1", amount=0.1, sent_at=sent_at)
    response = post(ingest, merchant, body)
    assert response.status_code == 202, response.text
    assert response.json() == {"accepted": 1, "event_ids": ["evt-1"]}
    ((event_id, customer, sku, amount, stored_at),) = stored(ch, merchant)
    assert (event_id, str(customer), str(sku), amount) == ("evt-1", CUSTOMER, SKU, Decimal("0.1"))
    assert stored_at.replace(tzinfo=dt.UTC) == utc


def test_a_batch_keeps_request_order_and_assigns_uuid7_ids(
    ingest: TestClient, merchant: MerchantKey, ch: Client
) -> None:
    body = {"events": [event(event_id="b-1", amount=5), event(amount="-2.5"), event(event_id="b-3", amount=1e-12)]}
    response = post(ingest, merchant, body)
    assert response.status_code == 202, response.text
    ids = response.json()["event_ids"]
    assert ids[0] == "b-1"
    assert ids[2] == "b-3"
    assert uuid.UUID(ids[1]).version == 7
    amounts = {row[0]: row[3] for row in stored(ch, merchant)}
    assert amounts == {"b-1": Decimal(5), ids[1]: Decimal("-2.5"), "b-3": Decimal("0.000000000001")}


def test_amounts_are_kept_digit_for_digit(ingest: TestClient, merchant: MerchantKey, ch: Client) -> None:
    written = "12345678901234567890.123456789012"  # 32 significant digits: more than a float or Decimal's default
    response = post(
        ingest,
        merchant,
        f'{{"customer_id": "{CUSTOMER}", "sku_id": "{SKU}", '
        f'"amount": {written}, "sent_at": "{now_iso()}", "event_id": "big"}}',
    )
    assert response.status_code == 202, response.text
    assert stored(ch, merchant)[0][3] == Decimal(written)


def test_same_batch_three_times_counts_once(ingest: TestClient, merchant: MerchantKey, ch: Client) -> None:
    body = {"events": [event(event_id=f"dup-{i}", amount=i) for i in range(1, 101)]}
    for _ in range(3):
        assert post(ingest, merchant, body).status_code == 202
    total, count = ch.query(
        "SELECT sum(amount), count() FROM events FINAL WHERE merchant_id = {m:UUID}",
        parameters={"m": merchant.merchant_id},
    ).result_rows[0]
    assert (total, count) == (Decimal(5050), 100)


def test_events_for_unknown_customers_and_skus_are_kept(ingest: TestClient, merchant: MerchantKey, ch: Client) -> None:
    unknown = str(uuid.uuid4())
    assert post(ingest, merchant, event(customer_id=unknown, sku_id=unknown)).status_code == 202
    assert str(stored(ch, merchant)[0][1]) == unknown


def _details(response: Any) -> list[tuple[Any, str]]:
    return [(d["index"], d["field"]) for d in response.json()["error"]["details"]]


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"amount": "NaN"}, "amount", "finite"),
        ({"amount": "Infinity"}, "amount", "finite"),
        ({"amount": 1e27}, "amount", "10^26"),
        ({"amount": "0.0000000000001"}, "amount", "12 digits"),
        ({"amount": True}, "amount", "number"),
        ({"amount": "ten"}, "amount", "decimal"),
        ({"customer_id": "not-a-uuid"}, "customer_id", "UUID"),
        ({"sku_id": 7}, "sku_id", "sku_id must be a string (a UUID), not a number"),
        ({"sent_at": "2026-11-24T21:05:00"}, "sent_at", "offset"),
        ({"sent_at": "yesterday"}, "sent_at", "datetime"),
        ({"sent_at": now_iso(dt.timedelta(hours=2))}, "sent_at", "future"),  # computed at collection: keep a margin
        ({"sent_at": now_iso(-dt.timedelta(days=36))}, "sent_at", "backdating window (35 days)"),
        ({"event_id": ""}, "event_id", "1 to 128"),
        ({"event_id": "x" * 129}, "event_id", "1 to 128"),
        ({"event_id": "tab\there"}, "event_id", "without control characters"),
        ({"colour": "blue"}, "colour", "unknown field 'colour'"),
    ],
)
def test_each_rule_is_refused_with_its_field_and_nothing_is_stored(
    ingest: TestClient, merchant: MerchantKey, ch: Client, bad: dict[str, Any], field: str, message: str
) -> None:
    body = {"events": [event(event_id="fine-0"), event(**{"event_id": "bad-1", **bad}), event(event_id="fine-2")]}
    response = post(ingest, merchant, body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "nothing was stored" in error["message"]
    assert _details(response) == [(1, field)]
    assert message in error["details"][0]["message"]
    assert stored(ch, merchant) == []


def test_every_bad_event_is_reported_not_just_the_first(ingest: TestClient, merchant: MerchantKey) -> None:
    body = {"events": [event(amount="NaN"), event(), event(sent_at="soon", customer_id="x"), event(event_id="")]}
    response = post(ingest, merchant, body)
    assert response.status_code == 422
    assert _details(response) == [(0, "amount"), (2, "customer_id"), (3, "event_id")]


def test_nan_literals_are_named_as_the_amount_problem(ingest: TestClient, merchant: MerchantKey) -> None:
    raw = f'{{"customer_id": "{CUSTOMER}", "sku_id": "{SKU}", "amount": NaN, "sent_at": "{now_iso()}"}}'
    response = post(ingest, merchant, raw)
    assert response.status_code == 422
    assert _details(response) == [(0, "amount")]


def test_duplicate_ids_within_one_request_are_refused(ingest: TestClient, merchant: MerchantKey, ch: Client) -> None:
    response = post(ingest, merchant, {"events": [event(event_id="same"), event(event_id="same")]})
    assert response.status_code == 422
    assert _details(response) == [(1, "event_id")]
    assert "first at index 0" in response.json()["error"]["details"][0]["message"]
    assert stored(ch, merchant) == []


def test_a_single_event_missing_fields_names_them(ingest: TestClient, merchant: MerchantKey) -> None:
    response = post(ingest, merchant, {"customer_id": CUSTOMER})
    assert response.status_code == 422
    assert _details(response) == [(0, "amount"), (0, "sent_at"), (0, "sku_id")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"events": []}, "events"),
        ({"events": "all of them"}, "events"),
        ({"events": [], "extra": 1}, "extra"),
        ([1, 2], "body"),
    ],
)
def test_bad_shapes_are_422(ingest: TestClient, merchant: MerchantKey, body: Any, field: str) -> None:
    response = post(ingest, merchant, body)
    assert response.status_code == 422
    assert _details(response)[0][1] == field


def test_too_many_events_is_refused(settings: Any, merchant: MerchantKey) -> None:
    from ingest.app import create_app

    with TestClient(create_app(settings.model_copy(update={"ingest_max_events": 3}))) as client:
        response = post(client, merchant, {"events": [event() for _ in range(4)]})
    assert response.status_code == 422
    assert "at most 3 events" in response.json()["error"]["details"][0]["message"]


def test_malformed_json_is_400(ingest: TestClient, merchant: MerchantKey, ch: Client) -> None:
    response = post(ingest, merchant, b'{"events": [' + json.dumps(event()).encode())
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    assert stored(ch, merchant) == []


def test_wrong_content_type_is_415(ingest: TestClient, merchant: MerchantKey, ch: Client) -> None:
    response = post(ingest, merchant, json.dumps(event()), headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert "application/json" in response.json()["error"]["message"]
    assert stored(ch, merchant) == []


def test_large_bodies_are_413_without_being_read(settings: Any, merchant: MerchantKey, ch: Client) -> None:
    from ingest.app import create_app

    with TestClient(create_app(settings.model_copy(update={"ingest_max_body_bytes": 1000}))) as client:
        declared = post(client, merchant, b"x" * 1001)
        assert declared.status_code == 413

        def chunks() -> Any:  # no Content-Length: streamed, refused once over the limit
            for _ in range(1000):
                yield b"[" * 100

        streamed = client.post(
            "/v1/events", content=chunks(), headers={**merchant.headers, "Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
        assert streamed.json()["error"]["code"] == "payload_too_large"
        big = json.dumps({"events": [event() for _ in range(20)]})  # valid, just too large
        assert post(client, merchant, big).status_code == 413
    assert stored(ch, merchant) == []
