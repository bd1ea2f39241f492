"""Fixtures of the dashboard API tests: the app on the real databases, and browsers with cookies."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from billbo.settings import Settings
from dashboard_api.app import create_app
from ingest.app import create_app as create_ingest

PASSWORD = "correct horse battery staple"


class Browser(TestClient):
    """A client with its own cookie jar that, like the web app, echoes the CSRF cookie."""

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:
        if method.upper() not in ("GET", "HEAD", "OPTIONS") and "bb_csrf" in self.cookies:
            kwargs["headers"] = {"X-CSRF-Token": self.cookies["bb_csrf"], **(kwargs.get("headers") or {})}
        return super().request(method, url, **kwargs)

    def signup(self, email: str | None = None, organisation: str = "Acme") -> dict[str, Any]:
        email = email or f"owner-{uuid.uuid4().hex[:8]}@acme.io"
        response = self.post(
            "/api/auth/signup", json={"email": email, "password": PASSWORD, "organisation": organisation}
        )
        assert response.status_code == 201, response.text
        return dict(response.json())


@pytest.fixture(scope="module")
def dashboard_app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings)
    with TestClient(app):  # runs the lifespan once: the pool and clients live on app.state
        yield app


HTTPS = "https://testserver"  # env=test sets Secure cookies, which a client sends over HTTPS only


@pytest.fixture
def browser(dashboard_app: FastAPI) -> Browser:
    return Browser(dashboard_app, base_url=HTTPS)


@pytest.fixture
def new_browser(dashboard_app: FastAPI) -> Any:
    return lambda: Browser(dashboard_app, base_url=HTTPS)


# A shop with events sent through the real ingest path, for the events explorer and usage tests.


@pytest.fixture(scope="module")
def ingest(settings: Settings) -> Any:
    with TestClient(create_ingest(settings)) as client:
        yield client


def send(ingest: Any, key: str, events: list[dict[str, Any]]) -> None:
    response = ingest.post("/v1/events", json={"events": events}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 202, response.text


@pytest.fixture
def shop(browser: Browser, ingest: Any) -> dict[str, Any]:
    """A merchant with a customer, a priced SKU, an unpriced SKU and events sent through ingest."""
    browser.signup()
    key = browser.post("/api/api-keys", json={"name": "k"}).json()["key"]
    customer = browser.post("/api/customers", json={"name": "Globex", "currency": "USD"}).json()["id"]
    sku = browser.post(
        "/api/skus",
        json={
            "name": "Calls",
            "unit": "call",
            "currency": "USD",
            "price": {
                "model": "graduated",
                "tiers": [{"up_to": "10", "unit_price": "1.00"}, {"up_to": None, "unit_price": "0.10"}],
            },
        },
    ).json()["id"]
    stranger, unknown_sku = str(uuid.uuid4()), str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    day = dt.timedelta(days=1)
    start = dt.datetime(now.year, now.month, 1, tzinfo=dt.UTC)
    events = [
        {
            "event_id": f"e{i}",
            "customer_id": customer,
            "sku_id": sku,
            "amount": "3",
            "sent_at": min(now, start + day * (i % 3) + dt.timedelta(hours=1)).isoformat(),
        }
        for i in range(6)
    ] + [
        {"event_id": "s1", "customer_id": stranger, "sku_id": sku, "amount": "2", "sent_at": now.isoformat()},
        {"event_id": "u1", "customer_id": customer, "sku_id": unknown_sku, "amount": "5", "sent_at": now.isoformat()},
    ]
    send(ingest, key, events)
    send(ingest, key, events[:3])  # a retry: counted once everywhere
    return {"customer": customer, "sku": sku, "stranger": stranger, "unknown_sku": unknown_sku, "now": now}
