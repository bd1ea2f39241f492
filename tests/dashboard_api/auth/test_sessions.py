"""Sign-up, log-in, refresh rotation, log-out: sessions as JWT cookies, CSRF, throttling."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import jwt

from billbo.settings import Settings
from tests.dashboard_api.conftest import PASSWORD, Browser


def _set_cookies(response: Any) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def test_signup_creates_the_merchant_and_logs_in(browser: Browser) -> None:
    email = f"ana-{uuid.uuid4().hex[:6]}@acme.io"
    response = browser.post(
        "/api/auth/signup", json={"email": email.upper(), "password": PASSWORD, "organisation": "Acme"}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["merchant_name"]) == (email, "owner", "Acme")
    cookies = _set_cookies(response)
    assert set(cookies) == {"bb_access", "bb_refresh", "bb_csrf"}
    for name in ("bb_access", "bb_refresh"):
        assert "HttpOnly" in cookies[name]
        assert "SameSite=lax" in cookies[name]
    assert "HttpOnly" not in cookies["bb_csrf"]  # the page's script must read it
    assert "Path=/api/auth" in cookies["bb_refresh"]
    assert all("Secure" in cookie for cookie in cookies.values())  # outside development: HTTPS only
    me = browser.get("/api/me")
    assert me.status_code == 200
    assert me.json()["user_id"] == body["user_id"]


def test_cookies_are_secure_outside_development(settings: Settings) -> None:
    assert settings.model_copy(update={"env": "production"}).secure_cookies
    assert settings.secure_cookies  # env=test
    assert not settings.model_copy(update={"env": "development"}).secure_cookies


def test_weak_passwords_and_bad_emails_are_named(browser: Browser) -> None:
    response = browser.post("/api/auth/signup", json={"email": "nope", "password": "short", "organisation": ""})
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["error"]["details"]} == {"email", "password", "organisation"}


def test_a_taken_email_cannot_sign_up_again(new_browser: Any) -> None:
    email = f"taken-{uuid.uuid4().hex[:6]}@acme.io"
    new_browser().signup(email)
    again = new_browser().post("/api/auth/signup", json={"email": email, "password": PASSWORD, "organisation": "X"})
    assert again.status_code == 409


def test_log_in_and_errors_never_tell_whether_an_email_exists(new_browser: Any) -> None:
    email = f"bo-{uuid.uuid4().hex[:6]}@acme.io"
    new_browser().signup(email)
    browser = new_browser()
    wrong_password = browser.post("/api/auth/login", json={"email": email, "password": "wrong password!"})
    unknown_email = browser.post("/api/auth/login", json={"email": f"x{email}", "password": "wrong password!"})
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    ok = browser.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert ok.status_code == 200
    assert browser.get("/api/me").json()["email"] == email


def test_repeated_failed_log_ins_are_throttled(new_browser: Any, settings: Settings) -> None:
    email = f"cy-{uuid.uuid4().hex[:6]}@acme.io"
    new_browser().signup(email)
    browser = new_browser()
    codes = [
        browser.post("/api/auth/login", json={"email": email, "password": "guess number x"}).status_code
        for _ in range(settings.login_max_failures)
    ]
    assert codes == [401] * settings.login_max_failures
    blocked = browser.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert blocked.status_code == 429  # even the right password waits now
    assert int(blocked.headers["Retry-After"]) > 0


def test_refresh_rotates_and_a_reused_refresh_token_ends_the_family(browser: Browser) -> None:
    browser.signup()
    first_refresh = browser.cookies["bb_refresh"]
    rotated = browser.post("/api/auth/refresh")
    assert rotated.status_code == 200
    second_refresh = browser.cookies["bb_refresh"]
    assert second_refresh != first_refresh
    # Someone replays the first token: refused, and the live session dies with it.
    thief = Browser(browser.app, base_url="https://testserver")
    thief.cookies.set("bb_refresh", first_refresh, path="/api/auth")
    thief.cookies.set("bb_csrf", "t")
    assert thief.post("/api/auth/refresh", headers={"X-CSRF-Token": "t"}).status_code == 401
    assert browser.post("/api/auth/refresh").status_code == 401


def test_log_out_ends_the_session(browser: Browser) -> None:
    browser.signup()
    refresh = browser.cookies["bb_refresh"]
    assert browser.post("/api/auth/logout").status_code == 204
    assert browser.get("/api/me").status_code == 401
    browser.cookies.set("bb_refresh", refresh, path="/api/auth")
    browser.cookies.set("bb_csrf", "t")
    assert browser.post("/api/auth/refresh").status_code == 401


def test_state_changing_requests_need_the_csrf_header(browser: Browser) -> None:
    browser.signup()
    response = browser.post("/api/auth/logout", headers={"X-CSRF-Token": "forged"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert browser.get("/api/me").status_code == 200  # reading needs no token


def test_tampered_or_expired_access_tokens_are_refused(browser: Browser, settings: Settings) -> None:
    me = browser.signup()
    claims = {"sub": me["user_id"], "mid": me["merchant_id"], "role": "owner", "typ": "access"}
    forged = jwt.encode(
        {**claims, "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)}, "not-the-secret-but-long-enough-for-hs256!"
    )
    expired = jwt.encode(
        {**claims, "exp": dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)}, settings.jwt_secret_value()
    )
    for token in (forged, expired, "garbage"):
        browser.cookies.set("bb_access", token)
        assert browser.get("/api/me").status_code == 401
