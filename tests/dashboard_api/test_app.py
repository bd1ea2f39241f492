"""The dashboard API's contract: documented errors, methods by path, bounded and storable input."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from billbo.settings import Settings
from dashboard_api.app import create_app
from tests.dashboard_api.conftest import Browser


def test_openapi_describes_the_dashboard_api(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "BillBo dashboard API"
    assert {"/healthz", "/readyz"} <= schema["paths"].keys()


def test_every_body_route_documents_malformed_and_oversized_bodies(settings: Settings) -> None:
    schema = create_app(settings).openapi()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= operation["responses"].keys(), (method, path)
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorResponse", (method, path, status)
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_methods_are_answered_by_path(browser: Browser) -> None:
    """OPTIONS lists every method of the path; another method is 405 with the same Allow, also on
    a literal path beside a parametrised one (PATCH /api/members/invitations is not
    PATCH /api/members/{user_id})."""
    browser.signup()
    options = browser.options("/api/skus")
    assert (options.status_code, options.headers["allow"]) == (204, "GET, HEAD, OPTIONS, POST")
    for method, path, allow in [
        ("DELETE", "/api/skus", "GET, HEAD, OPTIONS, POST"),
        ("PATCH", "/api/members/invitations", "OPTIONS, POST"),
        ("POST", f"/api/customers/{uuid.uuid4()}", "GET, HEAD, OPTIONS, PUT"),
        ("PUT", "/api/events", "GET, HEAD, OPTIONS"),
    ]:
        response = browser.request(method, path)
        assert response.status_code == 405, (method, path, response.text)
        assert response.headers["allow"] == allow
        assert response.json()["error"]["code"] == "method_not_allowed"
    assert browser.request("PATCH", "/api/nowhere").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "field"),
    [
        ("GET", "/api/customers", {"params": {"search": "a\x00b"}}, "search"),
        ("POST", "/api/api-keys", {"content": b'{"name": "k\\u0000"}'}, "name"),
        ("POST", "/api/api-keys", {"content": b'{"name": "k\\ud800"}'}, "name"),
        ("POST", "/api/customers", {"content": b'{"name": "\\udc00", "currency": "USD"}'}, "name"),
        ("PUT", "/api/skus/{sku}", {"content": b'{"name": "a\\u0000", "unit": "u"}'}, "name"),
        ("GET", "/api/skus/{sku}/preview", {"params": {"quantity": "1e300"}}, "quantity"),
        ("GET", "/api/skus/{sku}/preview", {"params": {"quantity": "1" * 27}}, "quantity"),
        ("GET", "/api/invoices", {"params": {"period": "0999-01"}}, "period"),
    ],
)
def test_unstorable_or_unbounded_input_is_refused_naming_the_field(
    browser: Browser, method: str, path: str, kwargs: dict[str, Any], field: str
) -> None:
    browser.signup()
    sku = browser.post(
        "/api/skus",
        json={"name": "S", "unit": "u", "currency": "USD", "price": {"model": "per_unit", "unit_price": "1"}},
    ).json()["id"]
    headers = {"Content-Type": "application/json"} if "content" in kwargs else {}
    response = browser.request(method, path.format(sku=sku), headers=headers, **kwargs)
    assert response.status_code == 422, response.text
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]


def test_bodies_are_limited_on_every_route(browser: Browser, settings: Settings) -> None:
    browser.signup()
    body = b'{"name": "' + b"x" * settings.max_body_bytes + b'", "currency": "USD"}'
    response = browser.post("/api/customers", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    not_utf8 = browser.post("/api/customers", content=b"\xff\xfe", headers={"Content-Type": "application/json"})
    assert (not_utf8.status_code, not_utf8.json()["error"]["code"]) == (400, "malformed_json")
