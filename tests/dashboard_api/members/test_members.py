"""Seats and roles: invitations, role changes, removal, and the last owner who stays."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.dashboard_api.conftest import PASSWORD, Browser


def invite_and_join(owner: Browser, new_browser: Any, role: str) -> tuple[Browser, dict[str, Any]]:
    email = f"{role}-{uuid.uuid4().hex[:6]}@acme.io"
    invitation = owner.post("/api/members/invitations", json={"email": email, "role": role})
    assert invitation.status_code == 201, invitation.text
    token = parse_qs(urlsplit(invitation.json()["link"]).query)["token"][0]
    joiner = new_browser()
    accepted = joiner.post("/api/invitations/accept", json={"token": token, "password": PASSWORD})
    assert accepted.status_code == 200, accepted.text
    return joiner, accepted.json()


def test_an_invitation_link_creates_the_seat_once(browser: Browser, new_browser: Any) -> None:
    owner_me = browser.signup()
    email = f"dee-{uuid.uuid4().hex[:6]}@acme.io"
    invitation = browser.post("/api/members/invitations", json={"email": email, "role": "member"}).json()
    assert invitation["link"].startswith("http")
    pending = browser.get("/api/members").json()["invitations"]
    assert [(i["email"], i["role"]) for i in pending] == [(email, "member")]
    token = parse_qs(urlsplit(invitation["link"]).query)["token"][0]
    joiner = new_browser()
    me = joiner.post("/api/invitations/accept", json={"token": token, "password": PASSWORD}).json()
    assert (me["email"], me["role"], me["merchant_id"]) == (email, "member", owner_me["merchant_id"])
    assert joiner.get("/api/me").status_code == 200
    again = new_browser().post("/api/invitations/accept", json={"token": token, "password": PASSWORD})
    assert again.status_code == 404
    members = browser.get("/api/members").json()
    assert {m["email"] for m in members["members"]} == {owner_me["email"], email}
    assert members["invitations"] == []


def test_roles_change_and_apply_at_once(browser: Browser, new_browser: Any) -> None:
    browser.signup()
    member, me = invite_and_join(browser, new_browser, "member")
    assert member.get("/api/api-keys").status_code == 403
    changed = browser.patch(f"/api/members/{me['user_id']}", json={"role": "admin"})
    assert changed.status_code == 200
    assert changed.json()["role"] == "admin"
    assert member.get("/api/api-keys").status_code == 200  # no new log-in needed


def test_admins_cannot_touch_owners(browser: Browser, new_browser: Any) -> None:
    owner = browser.signup()
    admin, _ = invite_and_join(browser, new_browser, "admin")
    assert admin.patch(f"/api/members/{owner['user_id']}", json={"role": "viewer"}).status_code == 403
    assert admin.delete(f"/api/members/{owner['user_id']}").status_code == 403
    assert admin.post("/api/members/invitations", json={"email": "x@acme.io", "role": "owner"}).status_code == 403


def test_the_last_owner_cannot_be_removed_or_demoted(browser: Browser, new_browser: Any) -> None:
    owner = browser.signup()
    assert browser.delete(f"/api/members/{owner['user_id']}").status_code == 409
    demoted = browser.patch(f"/api/members/{owner['user_id']}", json={"role": "admin"})
    assert demoted.status_code == 409
    assert "last owner" in demoted.json()["error"]["message"]
    second_owner, me = invite_and_join(browser, new_browser, "owner")
    assert second_owner.delete(f"/api/members/{owner['user_id']}").status_code == 204
    assert browser.get("/api/me").status_code == 401  # the removed seat's session ends at once
    assert second_owner.delete(f"/api/members/{me['user_id']}").status_code == 409


def test_removed_members_lose_access(browser: Browser, new_browser: Any) -> None:
    browser.signup()
    viewer, me = invite_and_join(browser, new_browser, "viewer")
    assert viewer.get("/api/customers").status_code == 200
    assert browser.delete(f"/api/members/{me['user_id']}").status_code == 204
    assert viewer.get("/api/customers").status_code == 401
