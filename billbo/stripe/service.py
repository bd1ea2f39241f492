"""The rules of a merchant's Stripe connection: checked with Stripe before it is saved, its
secrets sealed at rest (``billbo.secrets_box``), never shown or logged after they are given."""

from __future__ import annotations

import uuid

from pydantic import SecretStr

from billbo.errors import NotFound, ServiceUnavailable, Unprocessable
from billbo.postgres.connection import Conn
from billbo.secrets_box import SecretPurpose, SecretsBox
from billbo.settings import Settings
from billbo.stripe import repository
from billbo.stripe.client import StripeGateway
from billbo.stripe.errors import StripeRejected, StripeUnavailable
from billbo.stripe.repository import ConnectionRow
from billbo.stripe.schemas import StripeAccount, StripeConnection, StripeConnectionIn

WEBHOOK_PATH = "/webhooks/stripe/{merchant_id}"


def webhook_url(base_url: str, merchant_id: uuid.UUID) -> str:
    return base_url.rstrip("/") + WEBHOOK_PATH.format(merchant_id=merchant_id)


def connection_status(conn: Conn, merchant_id: uuid.UUID, base_url: str) -> StripeConnection:
    row = repository.stripe_connection(conn, merchant_id)
    url = webhook_url(base_url, merchant_id)
    if row is None:
        return StripeConnection(connected=False, webhook_url=url)
    return StripeConnection(
        connected=True,
        account_id=row.account_id,
        key_last4=row.key_last4,
        livemode=row.livemode,
        connected_at=row.connected_at,
        webhook_url=url,
    )


def _checked_account(settings: Settings, secret_key: SecretStr) -> StripeAccount:
    """The account the key opens, or a 422 naming ``secret_key`` (a 503 if Stripe cannot answer)."""
    try:
        with StripeGateway.from_settings(settings, secret_key) as gateway:
            return gateway.retrieve_account()
    except StripeUnavailable as exc:
        raise ServiceUnavailable(
            f"Stripe could not be reached to check the key; nothing was saved. Retry shortly. ({exc.message})"
        ) from None
    except StripeRejected as exc:
        raise Unprocessable(
            "Stripe refused this key; nothing was saved.",
            details=[{"field": "secret_key", "message": f"Stripe says: {exc.message}"}],
        ) from None


def connect(
    conn: Conn,
    settings: Settings,
    merchant_id: uuid.UUID,
    user_id: uuid.UUID,
    data: StripeConnectionIn,
    base_url: str,
) -> StripeConnection:
    """Check the key with one Stripe call (retrieve the account), then store both secrets sealed.
    Connecting again replaces the connection."""
    account = _checked_account(settings, data.secret_key)
    key = data.secret_key.get_secret_value()
    box = SecretsBox.from_settings(settings)
    repository.save_connection(
        conn,
        merchant_id,
        secret_key_sealed=box.seal(key, merchant_id=merchant_id, purpose=SecretPurpose.STRIPE_SECRET_KEY),
        webhook_secret_sealed=box.seal(
            data.webhook_secret.get_secret_value(),
            merchant_id=merchant_id,
            purpose=SecretPurpose.STRIPE_WEBHOOK_SECRET,
        ),
        account_id=account.id,
        key_last4=key[-4:],
        livemode="_live_" in key[:8],
        connected_by=user_id,
    )
    return connection_status(conn, merchant_id, base_url)


def disconnect(conn: Conn, merchant_id: uuid.UUID) -> None:
    if not repository.delete_connection(conn, merchant_id):
        raise NotFound("Stripe is not connected.")


def secret_key(settings: Settings, row: ConnectionRow) -> SecretStr:
    box = SecretsBox.from_settings(settings)
    sealed = row.secret_key_sealed
    return SecretStr(box.open(sealed, merchant_id=row.merchant_id, purpose=SecretPurpose.STRIPE_SECRET_KEY))


def webhook_secret(settings: Settings, row: ConnectionRow) -> SecretStr:
    box = SecretsBox.from_settings(settings)
    sealed = row.webhook_secret_sealed
    return SecretStr(box.open(sealed, merchant_id=row.merchant_id, purpose=SecretPurpose.STRIPE_WEBHOOK_SECRET))


def gateway(settings: Settings, row: ConnectionRow) -> StripeGateway:
    """A client of the merchant's connected Stripe account (close it when done)."""
    return StripeGateway.from_settings(settings, secret_key(settings, row))
