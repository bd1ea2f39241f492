"""Customers in the dashboard: create, search, paginate, read, update, archive."""

from __future__ import annotations

import uuid

from tests.dashboard_api.conftest import Browser


def test_customer_lifecycle(browser: Browser) -> None:
    browser.signup()
    chosen = str(uuid.uuid4())
    created = browser.post("/api/customers", json={"id": chosen, "name": "Globex", "currency": "EUR"})
    assert created.status_code == 201
    assert created.json()["id"] == chosen
    assert browser.post("/api/customers", json={"id": chosen, "name": "Again", "currency": "EUR"}).status_code == 409
    updated = browser.put(
        f"/api/customers/{chosen}", json={"name": "Globex Corp", "currency": "EUR", "email": "ap@globex.io"}
    )
    assert updated.status_code == 200
    assert browser.get(f"/api/customers/{chosen}").json()["email"] == "ap@globex.io"
    archived = browser.post(f"/api/customers/{chosen}/archive")
    assert archived.json()["archived_at"] is not None
    assert browser.get("/api/customers").json()["customers"] == []
    assert len(browser.get("/api/customers", params={"include_archived": True}).json()["customers"]) == 1


def test_search_and_keyset_pagination(browser: Browser) -> None:
    browser.signup()
    names = [f"Customer {i:02d}" for i in range(25)] + ["Initech", "initrode"]
    for name in names:
        assert browser.post("/api/customers", json={"name": name, "currency": "USD"}).status_code == 201
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        page = browser.get("/api/customers", params=params).json()
        seen += [c["name"] for c in page["customers"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(names, key=str.lower)
    found = browser.get("/api/customers", params={"search": "INIT"}).json()["customers"]
    assert [c["name"] for c in found] == ["Initech", "initrode"]
    assert browser.get("/api/customers", params={"search": "%"}).json()["customers"] == []
    assert browser.get("/api/customers", params={"cursor": "garbage"}).status_code == 422


def test_unknown_currency_is_named(browser: Browser) -> None:
    browser.signup()
    response = browser.post("/api/customers", json={"name": "X", "currency": "ZZZ"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "currency"
