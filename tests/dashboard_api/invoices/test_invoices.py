"""Rated usage, invoices and the explanation of an invoice line, through the dashboard API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from billbo import periods
from billbo.dbt import rate_period
from billbo.invoices import service as invoicing
from billbo.migrations.runner import Databases
from billbo.pricing import models as pricing
from tests.dashboard_api.conftest import Browser


def test_invoice_lines_are_explained(browser: Browser, new_browser: Any, databases: Databases) -> None:
    me = browser.signup()
    customer = browser.post("/api/customers", json={"name": "Globex", "currency": "USD"}).json()["id"]
    sku = browser.post(
        "/api/skus",
        json={
            "name": "Calls",
            "unit": "call",
            "currency": "USD",
            "price": {
                "model": "graduated",
                "included_quantity": "10",
                "tiers": [
                    {"up_to": "100", "unit_price": "0.10"},
                    {"up_to": None, "unit_price": "0.01", "flat_fee": "1.00"},
                ],
            },
        },
    ).json()
    period = periods.period_start(dt.datetime.now(dt.UTC)).date()
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        for day, quantity, checksum in ((1, "60", 111), (2, "100.5", 222)):
            conn.execute(
                "insert into usage_daily values (%s, %s, %s, %s, %s, 3, %s)",
                [me["merchant_id"], customer, sku["id"], period.replace(day=day), quantity, checksum],
            )
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
        (1, Decimal(100), Decimal(10)),
        (2, Decimal("50.5"), Decimal("1.505")),
    ]
    assert sum(Decimal(t["amount"]) for t in explanation["tiers"]) == Decimal(line["amount_unrounded"])
    assert [(d["quantity"], d["event_count"], d["event_checksum"]) for d in explanation["days"]] == [
        ("60", 3, "111"),
        ("100.5", 3, "222"),
    ]

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
        sku = conn.execute(
            "insert into skus (merchant_id, name, unit, currency) values (%s, 'GB', 'GB', 'USD') returning id",
            [me["merchant_id"]],
        ).fetchone()[0]  # type: ignore[index]
        version = conn.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from) "
            "values (%s, %s, 1, 'graduated', '2026-01-01') returning id",
            [me["merchant_id"], sku],
        ).fetchone()[0]  # type: ignore[index]
        conn.execute("insert into price_tiers values (%s, 0, 10, 1, 0), (%s, 1, null, 0.1, 0)", [version, version])
        conn.execute(
            "insert into usage_daily values (%s, %s, %s, '2026-04-03', 8, 2, 7)", [me["merchant_id"], customer, sku]
        )
    assert rate_period("2026-04", databases.postgres_url)
    with psycopg.connect(databases.postgres_url) as conn:
        invoicing.refresh_drafts(conn, april)
        invoicing.finalize_due(conn, dt.datetime(2026, 5, 2, tzinfo=dt.UTC), april)  # April billed: 8 x 1 = 8.00
        # 5 more GB for April arrive late: April costs 10 x 1 + 3 x 0.10 = 10.30 now; May's draft bills 2.30.
        conn.execute(
            "insert into usage_daily values (%s, %s, %s, '2026-04-20', 5, 1, 9)", [me["merchant_id"], customer, sku]
        )
        conn.commit()
    assert rate_period("2026-04", databases.postgres_url)
    with psycopg.connect(databases.postgres_url) as conn:
        invoicing.refresh_drafts(conn, may)
    (draft,) = browser.get("/api/invoices", params={"period": "2026-05"}).json()
    (line,) = browser.get(f"/api/invoices/{draft['id']}").json()["lines"]
    assert (line["usage_period_start"], line["quantity"], line["amount_minor"]) == ("2026-04-01", "5", 230)
    explanation = browser.get(f"/api/invoices/{draft['id']}/lines/{line['id']}/explanation").json()
    assert explanation["adjustment"] == {
        "period_quantity": "13",
        "period_amount_minor": 1030,
        "billed_quantity": "8",
        "billed_minor": 800,
    }
    assert [(t["tier"], Decimal(t["quantity"]), Decimal(t["amount"])) for t in explanation["tiers"]] == [
        (1, Decimal(10), Decimal(10)),
        (2, Decimal(3), Decimal("0.3")),
    ]
    assert [d["day"] for d in explanation["days"]] == ["2026-04-03", "2026-04-20"]


def test_a_finalised_line_is_explained_as_billed_whatever_the_prices_and_the_code_become(
    browser: Browser, databases: Databases, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = browser.signup()
    customer = browser.post("/api/customers", json={"name": "Hooli", "currency": "USD"}).json()["id"]
    june = dt.date(2025, 6, 1)  # a month no other test rates or loads usage for
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        sku = conn.execute(
            "insert into skus (merchant_id, name, unit, currency) values (%s, 'GB', 'GB', 'USD') returning id",
            [me["merchant_id"]],
        ).fetchone()[0]  # type: ignore[index]
        version = conn.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from) "
            "values (%s, %s, 1, 'graduated', '2025-01-01') returning id",
            [me["merchant_id"], sku],
        ).fetchone()[0]  # type: ignore[index]
        conn.execute("insert into price_tiers values (%s, 0, 10, 1, 0), (%s, 1, null, 0.1, 0)", [version, version])
        conn.execute(
            "insert into usage_daily values (%s, %s, %s, '2025-06-03', 13, 2, 7)", [me["merchant_id"], customer, sku]
        )
    assert rate_period("2025-06", databases.postgres_url)
    with psycopg.connect(databases.postgres_url) as conn:
        invoicing.refresh_drafts(conn, june)
        invoicing.finalize_due(conn, dt.datetime(2025, 7, 2, tzinfo=dt.UTC), june)  # 10 x 1 + 3 x 0.10 = 10.30
    (invoice,) = browser.get("/api/invoices", params={"period": "2025-06"}).json()
    (line,) = browser.get(f"/api/invoices/{invoice['id']}").json()["lines"]
    url = f"/api/invoices/{invoice['id']}/lines/{line['id']}/explanation"
    billed = browser.get(url).json()
    assert (invoice["status"], line["amount_minor"], billed["price_version"]) == ("finalized", 1030, 1)
    assert [(t["tier"], Decimal(t["quantity"]), Decimal(t["amount"])) for t in billed["tiers"]] == [
        (1, Decimal(10), Decimal(10)),
        (2, Decimal(3), Decimal("0.3")),
    ]

    # Afterwards the price rows change under June (a version 2 backdated to June's start, past what
    # the API allows) and June is rated again: its rated usage is now per unit at 2.00...
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        conn.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from, unit_price) "
            "values (%s, %s, 2, 'per_unit', '2025-06-01', 2)",
            [me["merchant_id"], sku],
        )
    assert rate_period("2025-06", databases.postgres_url)
    rated = browser.get("/api/rated-usage", params={"period": "2025-06"}).json()
    assert [(r["price_version"], r["pricing_model"], r["amount_minor"]) for r in rated] == [(2, "per_unit", 2600)]

    # ...and the pricing code changes too (here: it cannot rate at all any more).
    def changed(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the explanation rated the line again")

    monkeypatch.setattr(pricing, "rate", changed)
    for model in pricing.MODELS.values():
        monkeypatch.setattr(model, "lines", changed)
    # The finalised line is explained exactly as it was billed.
    assert browser.get(url).json() == billed


def test_a_line_written_before_lines_stored_their_breakdown_says_so(browser: Browser, databases: Databases) -> None:
    me = browser.signup()
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        sku = conn.execute(
            "insert into skus (merchant_id, name, unit, currency) values (%s, 'GB', 'GB', 'USD') returning id",
            [me["merchant_id"]],
        ).fetchone()[0]  # type: ignore[index]
        version = conn.execute(
            "insert into price_versions (merchant_id, sku_id, version, model, effective_from, unit_price) "
            "values (%s, %s, 1, 'per_unit', '2025-01-01', 1) returning id",
            [me["merchant_id"], sku],
        ).fetchone()[0]  # type: ignore[index]
        invoice = conn.execute(
            "insert into invoices (merchant_id, customer_id, currency, period_start, subtotal_minor) "
            "values (%s, gen_random_uuid(), 'USD', '2025-08-01', 100) returning id",
            [me["merchant_id"]],
        ).fetchone()[0]  # type: ignore[index]
        line = conn.execute(  # as lines were written before 20261201000018, with no breakdown
            "insert into invoice_lines (invoice_id, sku_id, usage_period_start, price_version_id, quantity, "
            "event_count, amount_unrounded, amount_minor) values (%s, %s, '2025-08-01', %s, 1, 1, 1, 100) returning id",
            [invoice, sku, version],
        ).fetchone()[0]  # type: ignore[index]
    response = browser.get(f"/api/invoices/{invoice}/lines/{line}/explanation")
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "conflict"
    assert "next refresh" in response.json()["error"]["message"]
