"""PUT /v1/customers/{customer_id}: merchants sync their customers with an API key."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from fastapi.testclient import TestClient

from billbo.migrations.runner import Databases
from tests.ingest.conftest import MerchantKey


def test_create_then_replace(ingest: TestClient, merchant: MerchantKey, databases: Databases) -> None:
    customer = uuid.uuid4()
    body = {"name": "Globex", "email": "billing@globex.io", "currency": "JPY", "metadata": {"crm": "42"}}
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
    assert fields == {"name", "email", "currency", "shoe_size"}
    for currency in ("XXX", "jpy"):  # the schema lists the codes, upper-case
        unknown_currency = ingest.put(
            f"/v1/customers/{uuid.uuid4()}", json={"name": "X", "currency": currency}, headers=merchant.headers
        )
        assert unknown_currency.status_code == 422
        assert unknown_currency.json()["error"]["details"] == [
            {
                "field": "currency",
                "message": "must be the upper-case ISO 4217 code of a currency BillBo bills in, e.g. USD",
            }
        ]
    assert (
        ingest.put(
            "/v1/customers/not-a-uuid", json={"name": "X", "currency": "USD"}, headers=merchant.headers
        ).status_code
        == 422
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"name": "Glo\\u0000bex", "currency": "USD"}', "name"),
        ('{"name": "Glo\\ud800bex", "currency": "USD"}', "name"),
        ('{"name": "Globex", "currency": "USD", "metadata": {"crm": "4\\u00002"}}', "metadata.crm"),
        ('{"name": "Globex", "currency": "USD", "metadata": {"crm": "\\udfff"}}', "metadata.crm"),
        ('{"name": "Globex", "currency": "USD", "metadata": {"big": 1e400}}', "metadata.big"),
        ('{"name": "Globex", "currency": "USD", "metadata": {"deep": {"er": 1}}}', "metadata.deep"),
        ('{"name": "Globex", "currency": "USD", "metadata": {"k\\u0000": 1}}', "metadata"),
    ],
)
def test_text_postgres_cannot_store_is_refused_naming_the_field(
    ingest: TestClient, merchant: MerchantKey, databases: Databases, body: str, field: str
) -> None:
    customer = uuid.uuid4()
    response = ingest.put(
        f"/v1/customers/{customer}",
        content=body.encode(),
        headers={**merchant.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    with psycopg.connect(databases.postgres_url) as conn:
        assert conn.execute("select count(*) from customers where id = %s", [customer]).fetchone() == (0,)


def test_bodies_that_are_not_json_or_too_large_are_4xx(ingest: TestClient, merchant: MerchantKey) -> None:
    url = f"/v1/customers/{uuid.uuid4()}"
    headers = {**merchant.headers, "Content-Type": "application/json"}
    for body in (b"\xff\xfe{}", b'{"name": ', b"[" * 3000 + b"]" * 3000, b'{"name": "x", "currency": NaN}'):
        response = ingest.put(url, content=body, headers=headers)
        assert response.status_code == 400, response.text
        assert response.json()["error"]["code"] == "malformed_json"
    huge = b'{"name": "' + b"x" * (12 * 1024 * 1024) + b'", "currency": "USD"}'
    response = ingest.put(url, content=huge, headers=headers)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
