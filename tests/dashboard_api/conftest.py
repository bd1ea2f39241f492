"""Fixtures of the dashboard API tests: the app on the real databases, and browsers with cookies."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from billbo.settings import Settings
from dashboard_api.app import create_app

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
