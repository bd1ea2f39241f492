"""Events explorer and live usage, on events stored by the real ingest path."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from billbo.settings import Settings
from ingest.app import create_app as create_ingest
from tests.dashboard_api.conftest import Browser


@pytest.fixture(scope="module")
def ingest(settings: Settings) -> Any:
    with TestClient(create_ingest(settings)) as client:
        yield client


def send(ingest: Any, key: str, events: list[dict[str, Any]]) -> None:
    response = ingest.post("/v1/events", json={"events": events}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 202, response.text


@pytest.fixture
def shop(browser: Browser, ingest: Any) -> dict[str, Any]:
    """A merchant with a customer, a priced SKU, an unpriced SKU and events sent through ingest."""
    browser.signup()
    key = browser.post("/api/api-keys", json={"name": "k"}).json()["key"]
    customer = browser.post("/api/customers", json={"name": "Globex", "currency": "USD"}).json()["id"]
    sku = browser.post("/api/skus", json={"name": "Calls", "unit": "call", "currency": "USD", "price": {
        "model": "graduated", "tiers": [{"up_to": "10", "unit_price": "1.00"}, {"up_to": None, "unit_price": "0.10"}]},
    }).json()["id"]  # fmt: skip
    stranger, unknown_sku = str(uuid.uuid4()), str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    day = dt.timedelta(days=1)
    start = dt.datetime(now.year, now.month, 1, tzinfo=dt.UTC)
    events = [
        {"event_id": f"e{i}", "customer_id": customer, "sku_id": sku, "amount": "3",
         "sent_at": min(now, start + day * (i % 3) + dt.timedelta(hours=1)).isoformat()}
        for i in range(6)
    ] + [
        {"event_id": "s1", "customer_id": stranger, "sku_id": sku, "amount": "2", "sent_at": now.isoformat()},
        {"event_id": "u1", "customer_id": customer, "sku_id": unknown_sku, "amount": "5", "sent_at": now.isoformat()},
    ]  # fmt: skip
    send(ingest, key, events)
    send(ingest, key, events[:3])  # a retry: counted once everywhere
    return {"customer": customer, "sku": sku, "stranger": stranger, "unknown_sku": unknown_sku, "now": now}


def test_explorer_lists_each_event_once_newest_first_with_keyset_pages(browser: Browser, shop: dict[str, Any]) -> None:
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = browser.get("/api/events", params={"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += page["events"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    ids = [e["event_id"] for e in seen]
    assert sorted(ids) == sorted([f"e{i}" for i in range(6)] + ["s1", "u1"])
    assert len(ids) == len(set(ids))
    stamps = [(e["sent_at"], e["event_id"]) for e in seen]
    assert stamps == sorted(stamps, reverse=True)


def test_explorer_filters(browser: Browser, shop: dict[str, Any]) -> None:
    by_customer = browser.get("/api/events", params={"customer_id": shop["stranger"]}).json()["events"]
    assert [e["event_id"] for e in by_customer] == ["s1"]
    by_sku = browser.get("/api/events", params={"sku_id": shop["unknown_sku"]}).json()["events"]
    assert [e["event_id"] for e in by_sku] == ["u1"]
    assert browser.get("/api/events/e1").json()["amount"] == "3"
    assert browser.get("/api/events/nope").status_code == 404
    assert browser.get("/api/events", params={"cursor": "bad"}).status_code == 422


def test_usage_by_day_and_estimated_cost(browser: Browser, shop: dict[str, Any]) -> None:
    usage = browser.get("/api/usage", params={"group_by": ["sku"], "include_cost": True}).json()
    by_sku = {row["sku_id"]: (Decimal(row["quantity"]), row["events"]) for row in usage["rows"]}
    assert by_sku == {shop["sku"]: (Decimal(20), 7), shop["unknown_sku"]: (Decimal(5), 1)}
    cost = usage["estimated_cost"]
    # Globex used 18 calls: 10 at 1.00 and 8 at 0.10. The stranger and the unknown SKU are unpriced.
    assert cost["totals"] == [{"currency": "USD", "amount": "10.80", "amount_minor": 1080}]
    reasons = {(u["customer_id"], u["sku_id"]): u["reasons"] for u in cost["unpriced"]}
    assert reasons == {
        (shop["stranger"], shop["sku"]): ["unknown_customer"],
        (shop["customer"], shop["unknown_sku"]): ["unknown_sku"],
    }
    days = browser.get("/api/usage").json()
    assert days["group_by"] == ["day"]
    assert sum(Decimal(r["quantity"]) for r in days["rows"]) == Decimal(25)


def test_unpriced_usage_is_listed_on_its_own(browser: Browser, shop: dict[str, Any]) -> None:
    rows = browser.get("/api/usage/unpriced").json()["rows"]
    assert {(r["customer_id"], r["sku_id"], r["quantity"]) for r in rows} == {
        (shop["stranger"], shop["sku"], "2"), (shop["customer"], shop["unknown_sku"], "5"),
    }  # fmt: skip


def test_usage_of_another_merchant_is_invisible(new_browser: Any, shop: dict[str, Any]) -> None:
    other = new_browser()
    other.signup()
    assert other.get("/api/events").json()["events"] == []
    assert other.get("/api/usage").json()["rows"] == []
    assert other.get("/api/events/e1").status_code == 404


def test_time_filters_take_any_rfc3339_time_and_nothing_else(browser: Browser, shop: dict[str, Any]) -> None:
    """Any RFC 3339 time is a valid bound, even one ClickHouse cannot store (year 277, 9999): it
    selects what the end of ClickHouse's range selects. A number or a time without offset is
    ambiguous and refused naming the parameter."""
    for path in ("/api/events", "/api/usage", "/api/usage/unpriced"):
        ancient = browser.get(path, params={"to": "0277-12-23T13:54:34Z"})
        assert ancient.status_code == 200, ancient.text
        assert ancient.json().get("events", ancient.json().get("rows")) == []
        everything = browser.get(path, params={"from": "0001-01-01T00:00:00Z", "to": "9999-12-31T23:59:59Z"})
        assert everything.status_code == 200, everything.text
        assert everything.json().get("events", everything.json().get("rows"))
        for bad in ("0.5", "1700000000", "2026-11-24T21:05:00", "yesterday"):
            refused = browser.get(path, params={"from": bad})
            assert refused.status_code == 422, (path, bad, refused.text)
            assert [d["field"] for d in refused.json()["error"]["details"]] == ["from"]
    backwards = browser.get("/api/usage", params={"from": shop["now"].isoformat(), "to": "2020-01-01T00:00:00Z"})
    assert (backwards.status_code, backwards.json()["rows"]) == (200, [])  # an empty window, read as such


def test_a_cursor_is_a_position(browser: Browser, shop: dict[str, Any]) -> None:
    """Any cursor of the published form names a position; a page starts after it."""
    newest_first = browser.get("/api/events").json()["events"]
    start = browser.get("/api/events", params={"limit": 2}).json()["next_cursor"]
    assert browser.get("/api/events", params={"cursor": start}).json()["events"] == newest_first[2:]
    assert browser.get("/api/events", params={"cursor": "9" * 19 + "~"}).json()["events"] == newest_first
    assert browser.get("/api/events", params={"cursor": "-9" + "9" * 18 + "~x"}).json()["events"] == []
    for bad in ("bad", "12", "~x", "1~" + "x" * 129):
        assert browser.get("/api/events", params={"cursor": bad}).status_code == 422
