"""Seats and invitations in Postgres: what the members rules read and write."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import psycopg

from billbo.accounts import repository as accounts
from billbo.accounts import tokens
from billbo.members import repository
from billbo.merchants import repository as merchants

Conn = psycopg.Connection[Any]


def _seat(conn: Conn, merchant_id: uuid.UUID, role: str) -> uuid.UUID:
    email = f"{role}-{uuid.uuid4().hex[:8]}@acme.test"
    return accounts.create_user(conn, merchant_id=merchant_id, email=email, password_hash="x", role=role)


def test_a_removed_seat_is_gone_its_email_free_and_its_sessions_ended(pg: Conn) -> None:
    merchant_id = merchants.create(pg, name="Acme")
    owner, member = _seat(pg, merchant_id, "owner"), _seat(pg, merchant_id, "member")
    found = repository.member(pg, merchant_id, member)
    assert found is not None
    family = uuid.uuid4()
    accounts.store_refresh(
        pg,
        user_id=member,
        family_id=family,
        token_sha256=tokens.digest("t"),
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
    )
    assert accounts.user_in_session(pg, member, family) is not None

    repository.remove(pg, member)

    assert [m.user_id for m in repository.members(pg, merchant_id)] == [owner]
    assert repository.member(pg, merchant_id, member) is None
    assert not accounts.email_taken(pg, found.email)
    assert accounts.user_in_session(pg, member, family) is None


def test_roles_change_and_owners_are_counted(pg: Conn) -> None:
    merchant_id = merchants.create(pg, name="Acme")
    _seat(pg, merchant_id, "owner")
    admin = _seat(pg, merchant_id, "admin")
    assert repository.owner_count(pg, merchant_id) == 1
    repository.set_role(pg, admin, "owner")
    assert repository.owner_count(pg, merchant_id) == 2
    changed = repository.member(pg, merchant_id, admin)
    assert changed is not None and changed.role == "owner"
    assert repository.member(pg, merchants.create(pg, name="Other"), admin) is None


def test_an_invitation_is_found_by_its_token_digest_until_accepted(pg: Conn) -> None:
    merchant_id = merchants.create(pg, name="Acme")
    owner = _seat(pg, merchant_id, "owner")
    token = "an invitation token"
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    created = repository.create_invitation(
        pg,
        merchant_id=merchant_id,
        email="bo@acme.test",
        role="viewer",
        token_sha256=tokens.digest(token),
        invited_by=owner,
        expires_at=expires,
    )
    assert (created.email, created.role, created.accepted_at) == ("bo@acme.test", "viewer", None)
    assert repository.pending_invitations(pg, merchant_id) == [created]
    assert repository.invitation_by_digest(pg, tokens.digest(token)) == created
    assert repository.invitation_by_digest(pg, tokens.digest("another token")) is None

    repository.mark_accepted(pg, created.invitation_id)

    assert repository.pending_invitations(pg, merchant_id) == []
    accepted = repository.invitation_by_digest(pg, tokens.digest(token))
    assert accepted is not None and accepted.accepted_at is not None
