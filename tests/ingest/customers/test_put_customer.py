"""PUT /v1/customers/{customer_id}: merchants sync their customers with an API key."""

from __future__ import annotations

import uuid

import psycopg
from fastapi.testclient import TestClient

from billbo.migrations.runner import Databases
from tests.ingest.conftest import MerchantKey


def test_create_then_replace(ingest: TestClient, merchant: MerchantKey, databases: Databases) -> None:
    customer = uuid.uuid4()
    body = {"name": "Globex", "email": "billing@globex.io", "currency": "jpy", "metadata": {"crm": "42"}}
    created = ingest.put(f"/v1/customers/{customer}", json=body, headers=merchant.headers)
    assert created.status_code == 201, created.text
    assert created.json()["currency"] == "JPY"
    updated = ingest.put(f"/v1/customers/{customer}", json={**body, "name": "Globex Corp"}, headers=merchant.headers)
    assert updated.status_code == 200
    assert updated.json()["name"] == "Globex Corp"
    assert updated.json()["created_at"] == created.json()["created_at"]
    with psycopg.connect(databases.postgres_url) as conn:
        rows = conn.execute(
            "select name, metadata from customers where merchant_id = %s and id = %s", [merchant.merchant_id, customer]
        ).fetchall()
    assert rows == [("Globex Corp", {"crm": "42"})]


def test_same_customer_id_under_two_merchants_are_two_customers(
    ingest: TestClient, merchant: MerchantKey, other_merchant: MerchantKey
) -> None:
    customer = uuid.uuid4()
    for who, name in ((merchant, "A"), (other_merchant, "B")):
        response = ingest.put(f"/v1/customers/{customer}", json={"name": name, "currency": "USD"}, headers=who.headers)
        assert response.status_code == 201


def test_invalid_fields_are_named(ingest: TestClient, merchant: MerchantKey) -> None:
    response = ingest.put(
        f"/v1/customers/{uuid.uuid4()}",
        json={"name": "", "currency": "XXX", "email": "nope", "shoe_size": 42},
        headers=merchant.headers,
    )
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert fields == {"name", "email", "shoe_size"}
    unknown_currency = ingest.put(
        f"/v1/customers/{uuid.uuid4()}", json={"name": "X", "currency": "XXX"}, headers=merchant.headers
    )
    assert unknown_currency.status_code == 422
    assert unknown_currency.json()["error"]["details"] == [
        {"field": "currency", "message": "XXX is not an ISO 4217 currency BillBo knows"}
    ]
    assert ingest.put("/v1/customers/not-a-uuid", json={"name": "X", "currency": "USD"},
                      headers=merchant.headers).status_code == 422  # fmt: skip
