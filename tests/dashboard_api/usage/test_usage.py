"""Live usage and its estimated cost, on events stored by the real ingest path (the shop fixture)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.dashboard_api.conftest import Browser


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
        (shop["stranger"], shop["sku"], "2"),
        (shop["customer"], shop["unknown_sku"], "5"),
    }


def test_usage_of_another_merchant_is_invisible(new_browser: Any, shop: dict[str, Any]) -> None:
    other = new_browser()
    other.signup()
    assert other.get("/api/usage").json()["rows"] == []


def test_time_filters_take_any_rfc3339_time_and_nothing_else(browser: Browser, shop: dict[str, Any]) -> None:
    """Any RFC 3339 time is a valid bound, even one ClickHouse cannot store (year 277, 9999): it
    selects what the end of ClickHouse's range selects. A number or a time without offset is
    ambiguous and refused naming the parameter."""
    for path in ("/api/usage", "/api/usage/unpriced"):
        ancient = browser.get(path, params={"to": "0277-12-23T13:54:34Z"})
        assert ancient.status_code == 200, ancient.text
        assert ancient.json()["rows"] == []
        everything = browser.get(path, params={"from": "0001-01-01T00:00:00Z", "to": "9999-12-31T23:59:59Z"})
        assert everything.status_code == 200, everything.text
        assert everything.json()["rows"]
        for bad in ("0.5", "1700000000", "2026-11-24T21:05:00", "yesterday"):
            refused = browser.get(path, params={"from": bad})
            assert refused.status_code == 422, (path, bad, refused.text)
            assert [d["field"] for d in refused.json()["error"]["details"]] == ["from"]
    backwards = browser.get("/api/usage", params={"from": shop["now"].isoformat(), "to": "2020-01-01T00:00:00Z"})
    assert (backwards.status_code, backwards.json()["rows"]) == (200, [])  # an empty window, read as such
