"""The events explorer, on events stored by the real ingest path (the shop fixture)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import quote

from tests.dashboard_api.conftest import Browser, send


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


def test_an_event_id_with_slashes_and_reserved_characters_is_found(browser: Browser, ingest: Any) -> None:
    """Ingest accepts any id without control characters, "/" and "#" among them: the explorer's link
    to the event (the id percent-encoded) and ingest's own lookup must find it."""
    browser.signup()
    key = browser.post("/api/api-keys", json={"name": "k"}).json()["key"]
    event_id = "orders/2026/11 #7?x=1"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    event = {"event_id": event_id, "customer_id": str(uuid.uuid4()), "sku_id": str(uuid.uuid4()), "amount": "1"}
    send(ingest, key, [event | {"sent_at": now}])
    response = browser.get("/api/events/" + quote(event_id, safe=""))
    assert response.status_code == 200, response.text
    assert response.json()["event_id"] == event_id
    assert browser.get("/api/events/" + quote("orders/2026/11", safe="")).status_code == 404
    found = ingest.get("/v1/events/" + quote(event_id, safe=""), headers={"Authorization": f"Bearer {key}"})
    assert found.status_code == 200, found.text
    assert found.json()["event_id"] == event_id


def test_events_of_another_merchant_are_invisible(new_browser: Any, shop: dict[str, Any]) -> None:
    other = new_browser()
    other.signup()
    assert other.get("/api/events").json()["events"] == []
    assert other.get("/api/events/e1").status_code == 404


def test_time_filters_take_any_rfc3339_time_and_nothing_else(browser: Browser, shop: dict[str, Any]) -> None:
    """Any RFC 3339 time is a valid bound, even one ClickHouse cannot store (year 277, 9999): it
    selects what the end of ClickHouse's range selects. A number or a time without offset is
    ambiguous and refused naming the parameter."""
    path = "/api/events"
    ancient = browser.get(path, params={"to": "0277-12-23T13:54:34Z"})
    assert ancient.status_code == 200, ancient.text
    assert ancient.json()["events"] == []
    everything = browser.get(path, params={"from": "0001-01-01T00:00:00Z", "to": "9999-12-31T23:59:59Z"})
    assert everything.status_code == 200, everything.text
    assert everything.json()["events"]
    for bad in ("0.5", "1700000000", "2026-11-24T21:05:00", "yesterday"):
        refused = browser.get(path, params={"from": bad})
        assert refused.status_code == 422, (path, bad, refused.text)
        assert [d["field"] for d in refused.json()["error"]["details"]] == ["from"]


def test_a_cursor_is_a_position(browser: Browser, shop: dict[str, Any]) -> None:
    """Any cursor of the published form names a position; a page starts after it."""
    newest_first = browser.get("/api/events").json()["events"]
    start = browser.get("/api/events", params={"limit": 2}).json()["next_cursor"]
    assert browser.get("/api/events", params={"cursor": start}).json()["events"] == newest_first[2:]
    assert browser.get("/api/events", params={"cursor": "9" * 19 + "~"}).json()["events"] == newest_first
    assert browser.get("/api/events", params={"cursor": "-9" + "9" * 18 + "~x"}).json()["events"] == []
    for bad in ("bad", "12", "~x", "1~" + "x" * 129):
        assert browser.get("/api/events", params={"cursor": bad}).status_code == 422
