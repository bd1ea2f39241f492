"""Session tokens and passwords, without HTTP: what the dashboard's cookies carry."""

from __future__ import annotations

import datetime as dt
import uuid

import jwt
from pydantic import SecretStr

from billbo.accounts import passwords, tokens

SECRET = "a test secret of at least thirty-two bytes"


def _claims() -> tokens.AccessClaims:
    return tokens.AccessClaims(uuid.uuid4(), uuid.uuid4(), "admin", uuid.uuid4())


def test_an_access_token_reads_back_until_it_expires() -> None:
    claims = _claims()
    token = tokens.access_token(claims, SECRET, dt.timedelta(minutes=5))
    assert token.get_secret_value() not in repr(token)
    assert tokens.read_access_token(token, SECRET) == claims
    assert tokens.read_access_token(token, SECRET + "!") is None
    assert tokens.read_access_token(tokens.access_token(claims, SECRET, dt.timedelta(seconds=-1)), SECRET) is None
    assert tokens.read_access_token(SecretStr("not a token"), SECRET) is None


def test_only_access_tokens_are_read_as_such() -> None:
    claims = _claims()
    payload = {
        "sub": str(claims.user_id),
        "mid": str(claims.merchant_id),
        "sid": str(claims.session_id),
        "role": claims.role,
        "typ": "refresh",
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
    }
    other = SecretStr(jwt.encode(payload, SECRET, algorithm=tokens.ALGORITHM))
    assert tokens.read_access_token(other, SECRET) is None


def test_the_csrf_token_belongs_to_one_session() -> None:
    session, other = uuid.uuid4(), uuid.uuid4()
    token = tokens.csrf_token(session, SECRET)
    assert token == tokens.csrf_token(session, SECRET)  # the same for the whole session
    assert tokens.csrf_matches(token, session, SECRET)
    assert not tokens.csrf_matches(token, other, SECRET)
    assert not tokens.csrf_matches(token, session, SECRET + "!")
    assert not tokens.csrf_matches(SecretStr("\ud800"), session, SECRET)  # any header text, never an error


def test_refresh_tokens_are_random_and_stored_as_digests() -> None:
    first, second = tokens.new_refresh_token(), tokens.new_refresh_token()
    assert first != second
    assert tokens.digest(first) == tokens.digest(first.get_secret_value())
    assert len(tokens.digest(first)) == 32


def test_a_password_verifies_only_against_its_hash() -> None:
    hashed = passwords.hash_password("correct horse battery staple")
    assert passwords.verify(hashed, "correct horse battery staple")
    assert not passwords.verify(hashed, "wrong horse battery staple")
    assert not passwords.verify(None, "correct horse battery staple")  # an unknown email: refused, as slowly
    assert not passwords.verify("not a hash", "correct horse battery staple")
