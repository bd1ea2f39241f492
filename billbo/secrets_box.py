"""Merchant secrets at rest (Stripe secret keys, webhook signing secrets): AES-256-GCM.

A sealed secret is ``b"v1" + 12-byte random nonce + ciphertext-and-tag``. The associated data binds
it to its owner, ``v1 / purpose / merchant id``: a ciphertext copied into another merchant's row, or
from the key column into the webhook-secret column, fails to open instead of opening as the wrong
merchant's secret. The version prefix leaves room for another key or algorithm later; an unknown
version is refused, never guessed.

Opening fails with :class:`UnreadableSecret`, whose message never holds the ciphertext or the key.
"""

from __future__ import annotations

import os
import uuid
from enum import StrEnum

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from billbo.settings import SECRETS_KEY_BYTES, Settings

VERSION = b"v1"
NONCE_BYTES = 12
TAG_BYTES = 16


class SecretPurpose(StrEnum):
    """What a sealed secret is for; part of its associated data."""

    STRIPE_SECRET_KEY = "stripe_secret_key"  # noqa: S105 (a label, not a secret)
    STRIPE_WEBHOOK_SECRET = "stripe_webhook_secret"  # noqa: S105


class UnreadableSecret(Exception):
    """A sealed secret that does not open: tampered with, another owner's, or another key's."""


class SecretsBox:
    """Seals and opens merchant secrets with one 256-bit key."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        if len(key) != SECRETS_KEY_BYTES:
            raise ValueError(f"the secrets key must be {SECRETS_KEY_BYTES} bytes")
        self._aead = AESGCM(key)

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretsBox:
        return cls(settings.secrets_key_bytes())

    def __repr__(self) -> str:
        return "SecretsBox(<key hidden>)"

    def seal(self, plaintext: str, *, merchant_id: uuid.UUID, purpose: SecretPurpose) -> bytes:
        """``plaintext`` encrypted for ``merchant_id`` and ``purpose``, ready for a ``bytea`` column."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), associated_data(merchant_id, purpose))
        return VERSION + nonce + sealed

    def open(self, sealed: bytes | memoryview, *, merchant_id: uuid.UUID, purpose: SecretPurpose) -> str:
        """The secret ``seal`` encrypted, if it was sealed with this key for this owner and purpose."""
        sealed = bytes(sealed)  # psycopg gives bytea as memoryview
        if not sealed.startswith(VERSION):
            raise UnreadableSecret("unknown sealed-secret version")
        if len(sealed) < len(VERSION) + NONCE_BYTES + TAG_BYTES:
            raise UnreadableSecret("sealed secret is truncated")
        nonce = sealed[len(VERSION) : len(VERSION) + NONCE_BYTES]
        try:
            plaintext = self._aead.decrypt(
                nonce, sealed[len(VERSION) + NONCE_BYTES :], associated_data(merchant_id, purpose)
            )
        except InvalidTag:
            raise UnreadableSecret(
                f"the {purpose.value} of merchant {merchant_id} does not open with this key "
                "(tampered with, sealed for another merchant or purpose, or under another key)"
            ) from None
        return plaintext.decode()


def associated_data(merchant_id: uuid.UUID, purpose: SecretPurpose) -> bytes:
    return b"/".join((b"billbo", VERSION, purpose.value.encode(), str(merchant_id).encode()))
