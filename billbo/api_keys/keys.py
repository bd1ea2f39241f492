"""The shape of an API key: ``bb_`` and 40 URL-safe random characters."""

from __future__ import annotations

import hashlib
import re
import secrets

PREFIX = "bb_"
_KEY = re.compile(r"^bb_[A-Za-z0-9_-]{20,100}$")
DISPLAY_PREFIX_LENGTH = 10  # "bb_" and the first 7 random characters


def generate() -> str:
    return PREFIX + secrets.token_urlsafe(30)


def digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def well_formed(key: str) -> bool:
    return bool(_KEY.match(key))


def display_prefix(key: str) -> str:
    return key[:DISPLAY_PREFIX_LENGTH]
