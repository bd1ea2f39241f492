"""SKUs and versioned prices: validation that names the field, versions by date, previews."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from billbo import periods
from billbo.migrations.runner import Databases
from tests.dashboard_api.conftest import Browser

GRADUATED = {
    "model": "graduated",
    "tiers": [
        {"up_to": "100", "unit_price": "0.10"},
        {"up_to": "1000", "unit_price": "0.05", "flat_fee": "2.00"},
        {"up_to": None, "unit_price": "0.01"},
    ],
    "included_quantity": "0",
    "minimum_charge": "0",
}


def new_sku(browser: Browser, price: dict[str, Any] | None = None, currency: str = "USD") -> dict[str, Any]:
    response = browser.post(
        "/api/skus", json={"name": "API calls", "unit": "call", "currency": currency, "price": price or GRADUATED}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_sku_starts_with_a_price_in_force_this_period(browser: Browser) -> None:
    browser.signup()
    sku = new_sku(browser)
    current = sku["current_price"]
    assert current["version"] == 1
    assert dt.datetime.fromisoformat(current["effective_from"]) == periods.period_start(dt.datetime.now(dt.UTC))
    assert [t["up_to"] for t in current["tiers"]] == ["100", "1000", None]
    assert current["tiers"][1]["flat_fee"] == "2.00"


def test_preview_gives_the_tier_breakdown_and_minor_units(browser: Browser) -> None:
    browser.signup()
    sku = new_sku(browser)
    preview = browser.get(f"/api/skus/{sku['id']}/preview", params={"quantity": "1500.5"}).json()
    assert [(line["tier"], line["quantity"], line["amount"]) for line in preview["lines"]] == [
        (1, "100", "10.00"),
        (2, "900", "47.00"),
        (3, "500.5", "5.005"),
    ]
    assert preview["amount"] == "62.005"
    assert preview["amount_minor"] == 6201  # rounded once, half away from zero
    assert (preview["price_version"], preview["currency"]) == (1, "USD")


def test_a_price_change_is_a_new_version_from_the_next_period(browser: Browser) -> None:
    browser.signup()
    sku = new_sku(browser)
    changed = browser.post(
        f"/api/skus/{sku['id']}/prices", json={"price": {"model": "per_unit", "unit_price": "0.002"}}
    )
    assert changed.status_code == 201, changed.text
    versions = changed.json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    next_period = periods.next_period_start(dt.datetime.now(dt.UTC))
    assert dt.datetime.fromisoformat(versions[1]["effective_from"]) == next_period
    assert changed.json()["current_price"]["version"] == 1  # still version 1 until then
    later = browser.get(f"/api/skus/{sku['id']}/preview", params={"quantity": "1000", "at": next_period.isoformat()})
    assert (later.json()["price_version"], later.json()["amount"]) == (2, "2.000")
    again = browser.post(f"/api/skus/{sku['id']}/prices", json={"price": {"model": "per_unit", "unit_price": "1"}})
    assert again.status_code == 409  # one version per effective date


def test_a_price_may_start_in_the_past_until_an_invoice_bills_that_time(browser: Browser, databases: Databases) -> None:
    """A new merchant prices the usage it backfilled (ingest accepts 35 days back); once a
    finalised invoice bills the SKU for a period, no price may start before that period ends."""
    me = browser.signup()
    this_period = periods.period_start(dt.datetime.now(dt.UTC))
    last_period = periods.period_start(this_period - dt.timedelta(days=1))
    sku = new_sku(browser)
    backdated = browser.post(
        f"/api/skus/{sku['id']}/prices",
        json={"price": {"model": "per_unit", "unit_price": "1"}, "effective_from": last_period.isoformat()},
    )
    assert backdated.status_code == 201, backdated.text
    versions = backdated.json()["versions"]
    assert {dt.datetime.fromisoformat(v["effective_from"]) for v in versions} == {last_period, this_period}
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        invoice = conn.execute(
            "insert into invoices (merchant_id, customer_id, currency, period_start, subtotal_minor) "
            "values (%s, gen_random_uuid(), 'USD', %s, 100) returning id",  # balanced: other tests check all
            [me["merchant_id"], last_period.date()],
        ).fetchone()
        assert invoice is not None
        version = next(v["id"] for v in versions if dt.datetime.fromisoformat(v["effective_from"]) == last_period)
        conn.execute(
            "insert into invoice_lines (invoice_id, sku_id, usage_period_start, price_version_id, quantity, "
            "event_count, amount_unrounded, amount_minor) values (%s, %s, %s, %s, 1, 1, 1, 100)",
            [invoice[0], sku["id"], last_period.date(), version],
        )
        conn.execute(
            "update invoices set status = 'finalized', number = 1, finalized_at = now() where id = %s", [invoice[0]]
        )
    refused = browser.post(
        f"/api/skus/{sku['id']}/prices",
        json={
            "price": {"model": "per_unit", "unit_price": "2"},
            "effective_from": (last_period + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["details"][0]["field"] == "effective_from"
    after_it = browser.post(
        f"/api/skus/{sku['id']}/prices",
        json={
            "price": {"model": "per_unit", "unit_price": "2"},
            "effective_from": (this_period + dt.timedelta(days=2)).isoformat(),
        },
    )
    assert after_it.status_code == 201, after_it.text


def test_prices_as_json_numbers_are_read_exactly(browser: Browser) -> None:
    """A JSON number is read from its text, never through a float: 0.1 stays 0.1."""
    browser.signup()
    sku = new_sku(browser, {"model": "per_unit", "unit_price": 0.1, "minimum_charge": 5})
    assert (sku["current_price"]["unit_price"], sku["current_price"]["minimum_charge"]) == ("0.1", "5")
    body = b'{"name": "T", "unit": "u", "currency": "USD", "price": {"model": "per_unit", "unit_price": 0.30000000000000000000001}}'
    tiny = browser.post("/api/skus", content=body, headers={"Content-Type": "application/json"})
    assert tiny.status_code == 201, tiny.text
    assert tiny.json()["current_price"]["unit_price"] == "0.30000000000000000000001"


@pytest.mark.parametrize(
    ("price", "field"),
    [
        ({"model": "graduated", "tiers": [{"up_to": "10", "unit_price": "1"}]}, "price.tiers.0.up_to"),
        (
            {
                "model": "volume",
                "tiers": [
                    {"up_to": "10", "unit_price": "1"},
                    {"up_to": "5", "unit_price": "1"},
                    {"up_to": None, "unit_price": "1"},
                ],
            },
            "price.tiers.1.up_to",
        ),
        ({"model": "per_unit"}, "price.unit_price"),
        ({"model": "per_unit", "unit_price": True}, "price.unit_price"),
        ({"model": "per_unit", "unit_price": "1e300"}, "price.unit_price"),
        ({"model": "per_unit", "unit_price": "-1"}, "price.unit_price"),
        ({"model": "per_unit", "unit_price": "NaN"}, "price.unit_price"),
        ({"model": "package", "package_size": "100", "package_price": "1.005"}, "price.package_price"),  # USD cents
        ({"model": "per_unit", "unit_price": "1", "minimum_charge": "0.001"}, "price.minimum_charge"),
        ({"model": "flat_rate", "unit_price": "1"}, "price.model"),
    ],
)
def test_invalid_prices_are_refused_naming_the_field(browser: Browser, price: dict[str, Any], field: str) -> None:
    browser.signup()
    response = browser.post("/api/skus", json={"name": "X", "unit": "u", "currency": "USD", "price": price})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["field"] == field


def test_currency_exponents_apply_per_currency(browser: Browser) -> None:
    browser.signup()
    yen = {"model": "package", "package_size": "10", "package_price": "1.5"}
    assert (
        browser.post("/api/skus", json={"name": "Y", "unit": "u", "currency": "JPY", "price": yen}).status_code == 422
    )
    kwd = new_sku(browser, {"model": "per_unit", "unit_price": "0.0001", "minimum_charge": "1.125"}, currency="KWD")
    preview = browser.get(f"/api/skus/{kwd['id']}/preview", params={"quantity": "1"}).json()
    assert (Decimal(preview["amount"]), preview["amount_minor"]) == (Decimal("1.125"), 1125)


def test_a_locked_version_cannot_change(browser: Browser, databases: Databases) -> None:
    browser.signup()
    sku = new_sku(browser)
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        conn.execute("update price_versions set locked_at = now() where id = %s", [sku["current_price"]["id"]])
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("update price_versions set minimum_charge = 1 where id = %s", [sku["current_price"]["id"]])
    assert browser.get(f"/api/skus/{sku['id']}").json()["versions"][0]["locked"] is True


def test_rename_archive_and_list(browser: Browser) -> None:
    browser.signup()
    sku = new_sku(browser)
    assert browser.put(f"/api/skus/{sku['id']}", json={"name": "Calls", "unit": "request"}).json()["unit"] == "request"
    assert [s["name"] for s in browser.get("/api/skus").json()] == ["Calls"]
    assert browser.post(f"/api/skus/{sku['id']}/archive").json()["archived_at"] is not None
    assert browser.get("/api/skus").json() == []
