"""GET /v1/events/{event_id}: "I sent it, where is it?"."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from tests.ingest.conftest import MerchantKey
from tests.ingest.events.test_post_events import CUSTOMER, SKU, event, post


def test_a_stored_event_is_found_by_its_id(ingest: TestClient, merchant: MerchantKey) -> None:
    sent_at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).replace(microsecond=0)
    post(ingest, merchant, event(event_id="where-is-it", amount="2.5", sent_at=sent_at.isoformat()))
    response = ingest.get("/v1/events/where-is-it", headers=merchant.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["event_id"] == "where-is-it"
    assert (body["customer_id"], body["sku_id"]) == (CUSTOMER, SKU)
    assert body["amount"] == "2.5"
    assert body["sent_at"] == sent_at.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    assert body["ingested_at"].endswith("Z")


def test_the_first_stored_copy_is_the_one_shown(ingest: TestClient, merchant: MerchantKey) -> None:
    post(ingest, merchant, event(event_id="twice", amount=1))
    post(ingest, merchant, event(event_id="twice", amount=99))  # a retry that changed its mind: ignored
    assert ingest.get("/v1/events/twice", headers=merchant.headers).json()["amount"] == "1"


def test_another_merchants_event_is_not_found(
    ingest: TestClient, merchant: MerchantKey, other_merchant: MerchantKey
) -> None:
    post(ingest, merchant, event(event_id="mine"))
    response = ingest.get("/v1/events/mine", headers=other_merchant.headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert ingest.get("/v1/events/never-sent", headers=merchant.headers).status_code == 404


@pytest.mark.parametrize("event_id", ["nul%00inside", "tab%09here", "x" * 129])
def test_an_id_that_cannot_be_an_event_id_is_422_naming_it(
    ingest: TestClient, merchant: MerchantKey, event_id: str
) -> None:
    response = ingest.get(f"/v1/events/{event_id}", headers=merchant.headers)
    assert response.status_code == 422, response.text
    assert [d["field"] for d in response.json()["error"]["details"]] == ["event_id"]
