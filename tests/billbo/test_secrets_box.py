from __future__ import annotations

import base64
import secrets
import stat
import uuid
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from billbo.secrets_box import SecretPurpose, SecretsBox, UnreadableSecret
from billbo.settings import Settings

KEY = secrets.token_bytes(32)
MERCHANT = uuid.UUID("0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6a")
OTHER_MERCHANT = uuid.UUID("0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6b")
STRIPE_KEY = "sk_test_51AbCdEfGhIjKlMnOpQrStUvWxYz"


def test_a_sealed_secret_opens_for_its_owner_and_purpose() -> None:
    box = SecretsBox(KEY)
    sealed = box.seal(STRIPE_KEY, merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_SECRET_KEY)
    assert sealed.startswith(b"v1") and len(sealed) == 2 + 12 + len(STRIPE_KEY) + 16
    assert STRIPE_KEY.encode() not in sealed
    assert box.open(memoryview(sealed), merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_SECRET_KEY) == STRIPE_KEY


def test_each_seal_uses_a_new_nonce() -> None:
    box = SecretsBox(KEY)
    first, second = (
        box.seal("whsec_x", merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_WEBHOOK_SECRET) for _ in "ab"
    )
    assert first != second


@pytest.mark.parametrize("position", [0, 1, 2, 13, 14, -1])
def test_any_changed_byte_is_detected(position: int) -> None:
    box = SecretsBox(KEY)
    sealed = bytearray(box.seal(STRIPE_KEY, merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_SECRET_KEY))
    sealed[position] ^= 0x01
    with pytest.raises(UnreadableSecret):
        box.open(bytes(sealed), merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_SECRET_KEY)


def test_truncated_or_empty_ciphertexts_are_refused() -> None:
    box = SecretsBox(KEY)
    sealed = box.seal("", merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_SECRET_KEY)
    assert box.open(sealed, merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_SECRET_KEY) == ""
    for short in (b"", b"v1", sealed[:-1]):
        with pytest.raises(UnreadableSecret):
            box.open(short, merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_SECRET_KEY)


def test_a_ciphertext_copied_to_another_merchant_or_column_does_not_open() -> None:
    box = SecretsBox(KEY)
    sealed = box.seal(STRIPE_KEY, merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_SECRET_KEY)
    with pytest.raises(UnreadableSecret, match=str(OTHER_MERCHANT)) as refused:
        box.open(sealed, merchant_id=OTHER_MERCHANT, purpose=SecretPurpose.STRIPE_SECRET_KEY)
    with pytest.raises(UnreadableSecret):
        box.open(sealed, merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_WEBHOOK_SECRET)
    assert STRIPE_KEY not in str(refused.value) and sealed.hex() not in str(refused.value)


def test_another_key_does_not_open_it() -> None:
    sealed = SecretsBox(KEY).seal(STRIPE_KEY, merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_SECRET_KEY)
    with pytest.raises(UnreadableSecret):
        SecretsBox(secrets.token_bytes(32)).open(sealed, merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_SECRET_KEY)


def test_the_box_never_shows_its_key() -> None:
    box = SecretsBox(KEY)
    assert KEY.hex() not in repr(box) and str(KEY) not in repr(box)
    with pytest.raises(ValueError, match="32 bytes"):
        SecretsBox(KEY[:16])


def test_production_requires_the_secrets_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLBO_ENV", "production")
    monkeypatch.setenv("BILLBO_JWT_SECRET", "s" * 32)
    monkeypatch.setenv("BILLBO_POSTGRES_URL", "postgresql://db/billbo")
    monkeypatch.setenv("BILLBO_CLICKHOUSE_URL", "http://ch:8123/billbo")
    monkeypatch.delenv("BILLBO_SECRETS_KEY", raising=False)
    with pytest.raises(ValidationError, match="BILLBO_SECRETS_KEY"):
        Settings()
    written = secrets.token_urlsafe(32)
    monkeypatch.setenv("BILLBO_SECRETS_KEY", written)
    settings = Settings()
    assert written not in repr(settings)
    assert len(settings.secrets_key_bytes()) == 32


@pytest.mark.parametrize("value", ["short", "x" * 43 + "!", secrets.token_urlsafe(16), secrets.token_urlsafe(48)])
def test_a_secrets_key_that_is_not_256_bits_of_base64_is_refused_without_echoing_it(value: str) -> None:
    with pytest.raises(ValidationError, match="32 bytes written in base64") as refused:
        Settings(secrets_key=SecretStr(value))
    assert value not in str(refused.value)


def test_both_base64_alphabets_and_padding_are_accepted() -> None:
    key = bytes(range(250, 256)) * 5 + b"\xfb\xff"  # encodes with + and / in the standard alphabet
    for written in (base64.b64encode(key).decode(), base64.urlsafe_b64encode(key).decode().rstrip("=")):
        assert Settings(secrets_key=SecretStr(written)).secrets_key_bytes() == key


def test_development_generates_the_key_once_into_the_data_directory(tmp_path: Path) -> None:
    settings = Settings(env="development", data_dir=tmp_path)
    key = settings.secrets_key_bytes()
    assert len(key) == 32
    assert Settings(env="development", data_dir=tmp_path).secrets_key_bytes() == key
    key_file = tmp_path / "secrets" / "secrets_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    sealed = SecretsBox.from_settings(settings).seal(
        "whsec_abc", merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_WEBHOOK_SECRET
    )
    reopened = SecretsBox.from_settings(Settings(env="development", data_dir=tmp_path))
    assert reopened.open(sealed, merchant_id=MERCHANT, purpose=SecretPurpose.STRIPE_WEBHOOK_SECRET) == "whsec_abc"
