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


def test_an_adjustment_line_is_explained_as_its_period_rated_again_less_what_was_billed(
    browser: Browser, databases: Databases
) -> None:
    me = browser.signup()
    customer = browser.post("/api/customers", json={"name": "Initech", "currency": "USD"}).json()["id"]
    april, may = dt.date(2026, 4, 1), dt.date(2026, 5, 1)
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:  # a price in force since January
        sku = conn.execute("insert into skus (merchant_id, name, unit, currency) values (%s, 'GB', 'GB', 'USD') "
                           "returning id", [me["merchant_id"]]).fetchone()[0]  # type: ignore[index]  # fmt: skip
        version = conn.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from) "
            "values (%s, %s, 1, 'graduated', '2026-01-01') returning id",
            [me["merchant_id"], sku],
        ).fetchone()[0]  # type: ignore[index]
        conn.execute("insert into price_tiers values (%s, 0, 10, 1, 0), (%s, 1, null, 0.1, 0)", [version, version])
        conn.execute("insert into usage_daily values (%s, %s, %s, '2026-04-03', 8, 2, 7)",
                     [me["merchant_id"], customer, sku])  # fmt: skip
    assert rate_period("2026-04", databases.postgres_url)
    with psycopg.connect(databases.postgres_url) as conn:
        invoicing.refresh_drafts(conn, april)
        invoicing.finalize_due(conn, dt.datetime(2026, 5, 2, tzinfo=dt.UTC), april)  # April billed: 8 x 1 = 8.00
        # 5 more GB for April arrive late: April costs 10 x 1 + 3 x 0.10 = 10.30 now; May's draft bills 2.30.
        conn.execute("insert into usage_daily values (%s, %s, %s, '2026-04-20', 5, 1, 9)",
                     [me["merchant_id"], customer, sku])  # fmt: skip
        conn.commit()
    assert rate_period("2026-04", databases.postgres_url)
    with psycopg.connect(databases.postgres_url) as conn:
        invoicing.refresh_drafts(conn, may)
    (draft,) = browser.get("/api/invoices", params={"period": "2026-05"}).json()
    (line,) = browser.get(f"/api/invoices/{draft['id']}").json()["lines"]
    assert (line["usage_period_start"], line["quantity"], line["amount_minor"]) == ("2026-04-01", "5", 230)
    explanation = browser.get(f"/api/invoices/{draft['id']}/lines/{line['id']}/explanation").json()
    assert explanation["adjustment"] == {"period_quantity": "13", "period_amount_minor": 1030,
                                         "billed_quantity": "8", "billed_minor": 800}  # fmt: skip
    assert [(t["tier"], Decimal(t["quantity"]), Decimal(t["amount"])) for t in explanation["tiers"]] == [
        (1, Decimal(10), Decimal(10)), (2, Decimal(3), Decimal("0.3")),
    ]  # fmt: skip
    assert [d["day"] for d in explanation["days"]] == ["2026-04-03", "2026-04-20"]
