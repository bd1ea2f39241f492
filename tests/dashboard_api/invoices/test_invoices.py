"""Rated usage, invoices and the explanation of an invoice line, through the dashboard API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import psycopg

from billbo import periods
from billbo.dbt import rate_period
from billbo.invoicing import service as invoicing
from billbo.migrations.runner import Databases
from tests.dashboard_api.conftest import Browser


def test_invoice_lines_are_explained(browser: Browser, new_browser: Any, databases: Databases) -> None:
    me = browser.signup()
    customer = browser.post("/api/customers", json={"name": "Globex", "currency": "USD"}).json()["id"]
    sku = browser.post("/api/skus", json={"name": "Calls", "unit": "call", "currency": "USD", "price": {
        "model": "graduated", "included_quantity": "10",
        "tiers": [{"up_to": "100", "unit_price": "0.10"}, {"up_to": None, "unit_price": "0.01", "flat_fee": "1.00"}]}},
    ).json()  # fmt: skip
    period = periods.period_start(dt.datetime.now(dt.UTC)).date()
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        for day, quantity, checksum in ((1, "60", 111), (2, "100.5", 222)):
            conn.execute("insert into usage_daily values (%s, %s, %s, %s, %s, 3, %s)",
                         [me["merchant_id"], customer, sku["id"], period.replace(day=day), quantity, checksum])  # fmt: skip
    assert rate_period(f"{period:%Y-%m}", databases.postgres_url)
    with psycopg.connect(databases.postgres_url) as conn:
        invoicing.refresh_drafts(conn, period)

    rated = browser.get("/api/rated-usage", params={"period": f"{period:%Y-%m}"}).json()
    # 160.5 used, 10 free first, then the tiers count from zero: 100 x 0.10 + 50.5 x 0.01 + 1.00 = 11.505,
    # 11.51 USD once rounded half away from zero.
    assert [(r["quantity"], r["amount_minor"], r["price_version"]) for r in rated] == [("160.5", 1151, 1)]
    (invoice,) = browser.get("/api/invoices", params={"period": f"{period:%Y-%m}"}).json()
    assert (invoice["status"], invoice["number"], invoice["subtotal_minor"]) == ("draft", None, 1151)
    detail = browser.get(f"/api/invoices/{invoice['id']}").json()
    (line,) = detail["lines"]
    explanation = browser.get(f"/api/invoices/{invoice['id']}/lines/{line['id']}/explanation").json()
    assert explanation["price_version"] == 1
    assert explanation["included_quantity"] == "10"
    assert [(t["tier"], Decimal(t["quantity"]), Decimal(t["amount"])) for t in explanation["tiers"]] == [
        (1, Decimal(100), Decimal(10)), (2, Decimal("50.5"), Decimal("1.505")),
    ]  # fmt: skip
    assert sum(Decimal(t["amount"]) for t in explanation["tiers"]) == Decimal(line["amount_unrounded"])
    assert [(d["quantity"], d["event_count"], d["event_checksum"]) for d in explanation["days"]] == [
        ("60", 3, "111"), ("100.5", 3, "222"),
    ]  # fmt: skip

    other = new_browser()
    other.signup()
    assert other.get(f"/api/invoices/{invoice['id']}").status_code == 404
    assert other.get(f"/api/invoices/{invoice['id']}/lines/{line['id']}/explanation").status_code == 404
    assert other.get("/api/invoices").json() == []
    assert other.get("/api/rated-usage", params={"period": f"{period:%Y-%m}"}).json() == []
