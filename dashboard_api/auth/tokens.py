"""Session tokens: a short-lived JWT access token and an opaque, rotating refresh token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    merchant_id: uuid.UUID
    role: str


def access_token(claims: AccessClaims, secret: str, lifetime: dt.timedelta) -> str:
    now = dt.datetime.now(dt.UTC)
    payload = {
        "sub": str(claims.user_id),
        "mid": str(claims.merchant_id),
        "role": claims.role,
        "typ": "access",
        "iat": now,
        "exp": now + lifetime,
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def read_access_token(token: str, secret: str) -> AccessClaims | None:
    """The claims of a valid, unexpired access token; None for anything else."""
    try:
        payload = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "mid"]})
    except jwt.PyJWTError:
        return None
    if payload.get("typ") != "access":
        return None
    try:
        return AccessClaims(uuid.UUID(payload["sub"]), uuid.UUID(payload["mid"]), str(payload["role"]))
    except (KeyError, ValueError):
        return None


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
