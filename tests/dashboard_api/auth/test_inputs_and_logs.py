"""Bad input to sign-up and log-in is a 4xx naming the field, never a 500, and no token or
password reaches a log line."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest

from billbo.logs import configure_logging
from billbo.settings import Settings
from tests.dashboard_api.conftest import HTTPS, PASSWORD, Browser


def _signup(email: str = "", password: str = PASSWORD, organisation: str = "Acme") -> dict[str, str]:
    return {"email": email or f"in-{uuid.uuid4().hex[:8]}@acme.io", "password": password, "organisation": organisation}


def _fields(response: Any) -> set[str]:
    return {d["field"] for d in response.json()["error"]["details"]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("organisation", "Ac\x00me"),
        ("password", PASSWORD + "\x00"),
        ("email", "a\x00b@acme.io"),
        ("organisation", "x" * 201),
        ("password", "x" * 257),
        ("email", "a" * 300 + "@acme.io"),
    ],
)
def test_unstorable_or_overlong_sign_up_fields_are_named(browser: Browser, field: str, value: str) -> None:
    response = browser.post("/api/auth/signup", json=_signup(**{field: value}))
    assert response.status_code == 422, response.text
    assert _fields(response) == {field}


@pytest.mark.parametrize("field", ["email", "password", "organisation"])
def test_lone_surrogates_are_named(browser: Browser, field: str) -> None:
    body = json.dumps(_signup(**{field: "\ud800" + ("@acme.io" if field == "email" else "x" * 12)}))
    assert "\\ud800" in body  # json.dumps escapes it: the bytes on the wire are valid UTF-8
    response = browser.post("/api/auth/signup", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert _fields(response) == {field}


@pytest.mark.parametrize(("field", "value"), [("password", "pass\x00word!"), ("email", "a\x00b@acme.io")])
def test_unstorable_log_in_fields_are_named(browser: Browser, field: str, value: str) -> None:
    credentials = {"email": "someone@acme.io", "password": PASSWORD, field: value}
    response = browser.post("/api/auth/login", json=credentials)
    assert response.status_code == 422, response.text
    assert _fields(response) == {field}


@pytest.mark.parametrize("url", ["/api/auth/signup", "/api/auth/login"])
@pytest.mark.parametrize("body", [b'{"email": ', b"[1, 2]", b"\xff\xfe", b"null", b""])
def test_a_body_that_is_not_a_json_object_is_a_4xx(browser: Browser, url: str, body: bytes) -> None:
    response = browser.post(url, content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["error"]["code"] in {"validation_error", "malformed_json"}


def test_no_token_or_password_reaches_the_logs(settings: Settings, dashboard_app: Any) -> None:
    """The readable format is the one that shows a traceback's locals: the worst case."""
    stream = io.StringIO()
    configure_logging(settings.model_copy(update={"log_format": "console", "log_level": "DEBUG"}), stream=stream)
    seen: list[str] = []
    failed_password = "a failed sign-up's password"
    try:
        browser = Browser(dashboard_app, base_url=HTTPS)
        email = browser.signup()["email"]
        seen += [browser.cookies["bb_access"], browser.cookies["bb_refresh"], browser.cookies["bb_csrf"]]
        assert browser.post("/api/auth/refresh").status_code == 200
        seen += [browser.cookies["bb_access"], browser.cookies["bb_refresh"]]
        assert browser.get("/api/me").status_code == 200
        for body in (
            _signup(email=email, password=failed_password),  # taken
            _signup(password=failed_password, organisation="Ac\x00me"),  # unstorable
            _signup(password=failed_password, organisation=""),
        ):
            assert browser.post("/api/auth/signup", json=body).status_code in {409, 422}
        assert browser.post("/api/auth/login", json={"email": email, "password": failed_password}).status_code == 401
        assert browser.post("/api/auth/refresh", headers={"X-CSRF-Token": "forged"}).status_code == 403
        assert browser.post("/api/auth/logout").status_code == 204
    finally:
        configure_logging(settings)
    logs = stream.getvalue()
    assert "/api/auth/refresh" in logs  # the request lines were captured
    for secret in [*seen, PASSWORD, failed_password, settings.jwt_secret_value()]:
        assert secret not in logs
