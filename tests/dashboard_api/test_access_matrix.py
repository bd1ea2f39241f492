"""Every dashboard endpoint, tried across two merchants and with every role.

The matrix lists each route once; a test checks it against the OpenAPI schema, so a new
endpoint cannot be added without saying who may call it and proving another merchant cannot.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from tests.dashboard_api.conftest import Browser
from tests.dashboard_api.members.test_members import invite_and_join

PUBLIC = {
    ("POST", "/api/auth/signup"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/refresh"),
    ("POST", "/api/auth/logout"),
    ("POST", "/api/invitations/accept"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("POST", "/webhooks/stripe/{merchant_id}"),  # Stripe's signature is the proof (tests/dashboard_api/webhooks)
}
# Routes outside the OpenAPI document, all public: the document and its pages, and the web
# dashboard's pages (GET and HEAD of every path that is not the API's; tests/dashboard_api/test_web.py).
UNDOCUMENTED = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/{path:path}"}


@dataclass
class World:
    owner: Browser
    ids: dict[str, str]


def _world(new_browser: Callable[[], Browser]) -> World:
    owner = new_browser()
    me = owner.signup()
    customer = owner.post("/api/customers", json={"name": "A's customer", "currency": "USD"}).json()["id"]
    key = owner.post("/api/api-keys", json={"name": "A's key"}).json()["id"]
    sku = owner.post(
        "/api/skus",
        json={"name": "A's SKU", "unit": "u", "currency": "USD", "price": {"model": "per_unit", "unit_price": "1"}},
    ).json()["id"]
    _, member = invite_and_join(owner, new_browser, "viewer")
    ids = {
        "customer_id": customer,
        "key_id": key,
        "sku_id": sku,
        "user_id": member["user_id"],
        "me": me["user_id"],
        "event_id": "no-such-event",
        "invoice_id": str(uuid.uuid4()),
        "line_id": str(uuid.uuid4()),
    }  # A's events and invoices are tried across merchants in events/ and invoices/test_*.py
    return World(owner, ids)


# method, path template, body, least role allowed
ROUTES: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("GET", "/api/me", None, "viewer"),
    ("GET", "/api/members", None, "viewer"),
    ("POST", "/api/members/invitations", {"email": "new-{n}@acme.io", "role": "viewer"}, "admin"),
    ("PATCH", "/api/members/{user_id}", {"role": "member"}, "admin"),
    ("DELETE", "/api/members/{user_id}", None, "admin"),
    ("GET", "/api/api-keys", None, "admin"),
    ("POST", "/api/api-keys", {"name": "k"}, "admin"),
    ("DELETE", "/api/api-keys/{key_id}", None, "admin"),
    ("GET", "/api/customers", None, "viewer"),
    ("POST", "/api/customers", {"name": "c", "currency": "USD"}, "member"),
    ("GET", "/api/customers/{customer_id}", None, "viewer"),
    ("PUT", "/api/customers/{customer_id}", {"name": "c2", "currency": "USD"}, "member"),
    ("POST", "/api/customers/{customer_id}/archive", None, "member"),
    ("GET", "/api/skus", None, "viewer"),
    (
        "POST",
        "/api/skus",
        {"name": "s", "unit": "u", "currency": "USD", "price": {"model": "per_unit", "unit_price": "1"}},
        "member",
    ),
    ("GET", "/api/skus/{sku_id}", None, "viewer"),
    ("PUT", "/api/skus/{sku_id}", {"name": "s2", "unit": "u"}, "member"),
    ("POST", "/api/skus/{sku_id}/archive", None, "member"),
    ("POST", "/api/skus/{sku_id}/prices", {"price": {"model": "per_unit", "unit_price": "2"}}, "member"),
    ("GET", "/api/skus/{sku_id}/preview?quantity=10", None, "viewer"),
    ("GET", "/api/events", None, "viewer"),
    ("GET", "/api/events/{event_id}", None, "viewer"),
    ("GET", "/api/usage", None, "viewer"),
    ("GET", "/api/usage/unpriced", None, "viewer"),
    ("GET", "/api/rated-usage", None, "viewer"),
    ("GET", "/api/invoices", None, "viewer"),
    ("GET", "/api/invoices/{invoice_id}", None, "viewer"),
    ("GET", "/api/invoices/{invoice_id}/lines/{line_id}/explanation", None, "viewer"),
    ("POST", "/api/invoices/{invoice_id}/stripe/retry", None, "admin"),
    ("GET", "/api/settings", None, "viewer"),
    ("PATCH", "/api/settings", {"days_until_due": 14}, "admin"),
    ("GET", "/api/settings/stripe", None, "viewer"),
    ("PUT", "/api/settings/stripe", {"secret_key": "not-a-key", "webhook_secret": "not-a-secret"}, "admin"),
    ("DELETE", "/api/settings/stripe", None, "admin"),
]
# What a role that may call a route gets in this world when the route cannot succeed here: the
# Stripe connection is tried with a malformed key (no Stripe call), and there is none to delete.
ALLOWED_REFUSALS = {("PUT", "/api/settings/stripe"): 422, ("DELETE", "/api/settings/stripe"): 404}
RANK = {"viewer": 0, "member": 1, "admin": 2, "owner": 3}


def test_the_matrix_covers_every_route(dashboard_app: FastAPI) -> None:
    documented = {(method.upper(), path) for path, item in dashboard_app.openapi()["paths"].items() for method in item}
    assert documented - PUBLIC == {(method, path.split("?")[0]) for method, path, _, _ in ROUTES}


def test_every_route_outside_the_document_is_a_public_page(dashboard_app: FastAPI) -> None:
    undocumented = {
        route.path
        for route in iter_route_contexts(dashboard_app.routes)  # included routers' routes too
        if not (isinstance(route.original_route, APIRoute) and route.original_route.include_in_schema)
    }
    assert undocumented == UNDOCUMENTED


def _call(browser: Browser, method: str, path: str, body: dict[str, Any] | None) -> Any:
    if body is not None:
        body = {k: v.replace("{n}", uuid.uuid4().hex[:8]) if isinstance(v, str) else v for k, v in body.items()}
    return browser.request(method, path, json=body)


@pytest.mark.parametrize(("method", "template", "body", "_role"), [r for r in ROUTES if "{" in r[1]])
def test_another_merchants_objects_answer_404(
    new_browser: Callable[[], Browser], method: str, template: str, body: dict[str, Any] | None, _role: str
) -> None:
    a = _world(new_browser)
    b = new_browser()
    b.signup()
    response = _call(b, method, template.format(**a.ids), body)
    assert response.status_code == 404, (method, template, response.text)
    assert response.json()["error"]["code"] == "not_found"


def test_lists_show_only_the_callers_objects(new_browser: Callable[[], Browser]) -> None:
    a = _world(new_browser)
    b = new_browser()
    b.signup()
    assert b.get("/api/customers").json()["customers"] == []
    assert b.get("/api/api-keys").json() == []
    assert b.get("/api/skus").json() == []
    assert [m["user_id"] for m in b.get("/api/members").json()["members"]] == [b.get("/api/me").json()["user_id"]]
    assert a.owner.get("/api/customers").json()["customers"] != []


@pytest.mark.parametrize("role", ["viewer", "member", "admin"])
def test_roles_allow_exactly_what_they_should(new_browser: Callable[[], Browser], role: str) -> None:
    for method, template, body, least in ROUTES:
        world = _world(new_browser)
        caller, _ = invite_and_join(world.owner, new_browser, role)
        response = _call(caller, method, template.format(**world.ids), body)
        if RANK[role] >= RANK[least]:
            expected_missing = "{event_id}" in template or "{invoice_id}" in template  # none in this world
            refusal = ALLOWED_REFUSALS.get((method, template))
            assert (
                response.status_code < 400
                or (expected_missing and response.status_code == 404)
                or response.status_code == refusal
            ), (
                role,
                method,
                template,
                response.text,
            )
        else:
            assert response.status_code == 403, (role, method, template, response.text)
            assert response.json()["error"]["code"] == "forbidden"


def test_unauthenticated_calls_are_401(browser: Browser) -> None:
    for method, template, body, _ in ROUTES:
        path = template.format(
            customer_id=uuid.uuid4(),
            key_id=uuid.uuid4(),
            user_id=uuid.uuid4(),
            sku_id=uuid.uuid4(),
            event_id="e",
            invoice_id=uuid.uuid4(),
            line_id=uuid.uuid4(),
        )
        assert _call(browser, method, path, body).status_code == 401, (method, template)
