"""Session tokens: a short-lived JWT access token, an opaque rotating refresh token, and the CSRF
token derived from the session.

A session is one refresh-token family: it starts at log-in (sign-up, accepting an invitation)
and keeps its id across refresh rotations until log-out, reuse of a rotated token, or expiry.
The access token names it (`sid`), and the CSRF token is an HMAC of it, so neither outlives it.

Tokens travel as `SecretStr` so that no repr (a log line, a traceback's locals) shows them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

import jwt
from pydantic import SecretStr

ALGORITHM = "HS256"
_CSRF_KEY_LABEL = b"billbo dashboard csrf v1"  # a key of its own, derived from the JWT secret


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    merchant_id: uuid.UUID
    role: str
    session_id: uuid.UUID  # the refresh-token family


def access_token(claims: AccessClaims, secret: str, lifetime: dt.timedelta) -> SecretStr:
    now = dt.datetime.now(dt.UTC)
    payload = {
        "sub": str(claims.user_id),
        "mid": str(claims.merchant_id),
        "sid": str(claims.session_id),
        "role": claims.role,
        "typ": "access",
        "iat": now,
        "exp": now + lifetime,
    }
    return SecretStr(jwt.encode(payload, secret, algorithm=ALGORITHM))


def read_access_token(token: SecretStr, secret: str) -> AccessClaims | None:
    """The claims of a valid, unexpired access token; None for anything else."""
    try:
        payload = jwt.decode(
            token.get_secret_value(),
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub", "mid", "sid"]},
        )
        if payload.get("typ") != "access":
            return None
        return AccessClaims(
            uuid.UUID(payload["sub"]), uuid.UUID(payload["mid"]), str(payload["role"]), uuid.UUID(payload["sid"])
        )
    except (jwt.PyJWTError, KeyError, ValueError, TypeError, AttributeError):
        return None


def new_refresh_token() -> SecretStr:
    return SecretStr(secrets.token_urlsafe(32))


def csrf_token(session_id: uuid.UUID, secret: str) -> SecretStr:
    """The session's CSRF token: only the server (which holds the secret) can make it, it is the
    same for the whole session (refresh rotations included) and differs for every other session."""
    key = hmac.digest(secret.encode(), _CSRF_KEY_LABEL, "sha256")
    mac = hmac.digest(key, session_id.bytes, "sha256")
    return SecretStr(base64.urlsafe_b64encode(mac).rstrip(b"=").decode())


def csrf_matches(presented: SecretStr, session_id: uuid.UUID, secret: str) -> bool:
    """Whether `presented` is the session's CSRF token, compared in constant time (as bytes: a
    header may hold any character)."""
    expected = csrf_token(session_id, secret).get_secret_value().encode()
    return hmac.compare_digest(expected, presented.get_secret_value().encode("utf-8", "surrogatepass"))


def digest(token: str | SecretStr) -> bytes:
    value = token.get_secret_value() if isinstance(token, SecretStr) else token
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()
