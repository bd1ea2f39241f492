"""The CSRF token and the access token belong to one session: a planted token, another session's
token, or a token of an ended session (log-out, a reused refresh token) is refused at once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import jwt

from billbo.settings import Settings
from tests.dashboard_api.conftest import HTTPS, PASSWORD, Browser

CUSTOMER = {"name": "Globex", "currency": "USD"}


def _log_in(new_browser: Any, email: str) -> Browser:
    browser: Browser = new_browser()
    assert browser.post("/api/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200
    return browser


def _plant(browser: Browser, token: str) -> None:
    """An attacker who can write cookies (a sibling subdomain, a network attacker on plain HTTP)
    sets a CSRF cookie of their choosing, and the Browser echoes it in the header."""
    browser.cookies.delete("bb_csrf")
    browser.cookies.set("bb_csrf", token)


def test_a_planted_csrf_cookie_and_header_pair_is_refused(browser: Browser) -> None:
    browser.signup()
    real = browser.cookies["bb_csrf"]
    _plant(browser, "chosen-by-the-attacker")
    for method, url, body in (
        ("POST", "/api/customers", CUSTOMER),
        ("POST", "/api/auth/refresh", None),
        ("POST", "/api/auth/logout", None),
    ):
        response = browser.request(method, url, json=body)
        assert response.status_code == 403, (url, response.text)
        assert response.json()["error"]["code"] == "forbidden"
    assert browser.get("/api/me").status_code == 200  # the session survived all three
    # The session's own token, sent by the page, works.
    assert browser.post("/api/customers", json=CUSTOMER, headers={"X-CSRF-Token": real}).status_code == 201


def test_the_csrf_token_is_checked_against_the_session_not_the_cookie(browser: Browser) -> None:
    browser.signup()
    real = browser.cookies["bb_csrf"]
    browser.cookies.delete("bb_csrf")  # only the header counts
    assert browser.post("/api/customers", json=CUSTOMER, headers={"X-CSRF-Token": real}).status_code == 201
    assert browser.post("/api/customers", json=CUSTOMER).status_code == 403  # no header at all


def test_another_sessions_csrf_token_is_refused(browser: Browser, new_browser: Any) -> None:
    email = browser.signup()["email"]
    same_user_other_session = _log_in(new_browser, email)
    other_user: Browser = new_browser()
    other_user.signup()
    assert same_user_other_session.cookies["bb_csrf"] != browser.cookies["bb_csrf"]  # a new log-in, a new token
    for foreign in (same_user_other_session.cookies["bb_csrf"], other_user.cookies["bb_csrf"]):
        headers = {"X-CSRF-Token": foreign}
        assert browser.post("/api/customers", json=CUSTOMER, headers=headers).status_code == 403
        assert browser.post("/api/auth/refresh", headers=headers).status_code == 403
        assert browser.post("/api/auth/logout", headers=headers).status_code == 403
    assert browser.get("/api/me").status_code == 200


def test_refresh_and_log_out_need_the_sessions_token(browser: Browser) -> None:
    browser.signup()
    token = browser.cookies["bb_csrf"]
    no_header = {"X-CSRF-Token": ""}
    assert browser.post("/api/auth/refresh", headers=no_header).status_code == 403
    assert browser.post("/api/auth/logout", headers=no_header).status_code == 403
    assert browser.post("/api/auth/refresh").status_code == 200
    # A rotation keeps the session, so the token the page holds stays valid (other tabs too).
    assert browser.cookies["bb_csrf"] == token
    assert browser.post("/api/customers", json=CUSTOMER, headers={"X-CSRF-Token": token}).status_code == 201
    assert browser.post("/api/auth/logout").status_code == 204


def test_a_csrf_header_of_any_characters_is_a_403_not_a_500(browser: Browser) -> None:
    browser.signup()
    for value in ("é".encode("latin-1"), b"\xff\xfe", b"x" * 4000):
        response = browser.post("/api/customers", json=CUSTOMER, headers={"X-CSRF-Token": value})
        assert response.status_code == 403, response.text


def test_after_log_out_the_old_access_cookie_stops_at_once(browser: Browser) -> None:
    browser.signup()
    access = browser.cookies["bb_access"]
    csrf = browser.cookies["bb_csrf"]
    assert browser.post("/api/auth/logout").status_code == 204
    replay = Browser(browser.app, base_url=HTTPS)
    replay.cookies.set("bb_access", access)
    replay.cookies.set("bb_csrf", csrf)
    assert replay.get("/api/me").status_code == 401
    assert replay.post("/api/customers", json=CUSTOMER).status_code == 401


def test_log_out_with_only_the_access_cookie_ends_the_session(browser: Browser) -> None:
    browser.signup()
    browser.cookies.delete("bb_refresh")
    access = browser.cookies["bb_access"]
    assert browser.post("/api/auth/logout").status_code == 204
    browser.cookies.set("bb_access", access)
    assert browser.get("/api/me").status_code == 401


def test_log_out_ends_only_its_own_session(browser: Browser, new_browser: Any) -> None:
    email = browser.signup()["email"]
    laptop = _log_in(new_browser, email)
    assert browser.post("/api/auth/logout").status_code == 204
    assert laptop.get("/api/me").status_code == 200
    assert laptop.post("/api/auth/refresh").status_code == 200


def test_a_reused_refresh_token_stops_the_access_tokens_of_its_family(browser: Browser, new_browser: Any) -> None:
    email = browser.signup()["email"]
    laptop = _log_in(new_browser, email)  # another session of the same user
    stolen_refresh = browser.cookies["bb_refresh"]
    stolen_access = browser.cookies["bb_access"]
    assert browser.post("/api/auth/refresh").status_code == 200
    assert browser.get("/api/me").status_code == 200  # the rotated session's access token
    thief = Browser(browser.app, base_url=HTTPS)
    thief.cookies.set("bb_refresh", stolen_refresh, path="/api/auth")
    assert thief.post("/api/auth/refresh").status_code == 401  # a used token: the family is revoked
    assert browser.get("/api/me").status_code == 401  # the live access token of that family stops
    thief.cookies.set("bb_access", stolen_access)
    assert thief.get("/api/me").status_code == 401  # and so does the old one
    assert laptop.get("/api/me").status_code == 200  # another session is not that family


def test_an_access_token_without_a_session_is_refused(browser: Browser, settings: Settings) -> None:
    me = browser.signup()
    claims = {
        "sub": me["user_id"],
        "mid": me["merchant_id"],
        "role": "owner",
        "typ": "access",
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
    }
    for extra in ({}, {"sid": str(uuid.uuid4())}, {"sid": 12}, {"sid": "not a uuid"}):
        browser.cookies.set("bb_access", jwt.encode({**claims, **extra}, settings.jwt_secret_value()))
        assert browser.get("/api/me").status_code == 401, extra
