"""The rules of a merchant's billing settings (the dashboard lets admins and owners change them)."""

from __future__ import annotations

from billbo.accounts.schemas import User
from billbo.errors import NotFound
from billbo.merchants import repository
from billbo.merchants.schemas import BillingSettings, BillingSettingsPatch
from billbo.postgres.connection import Conn


def billing_settings(conn: Conn, user: User) -> BillingSettings:
    row = repository.billing_settings(conn, user.merchant_id)
    if row is None:
        raise NotFound("No such merchant.")
    return BillingSettings.model_validate(row)


def change_billing_settings(conn: Conn, user: User, patch: BillingSettingsPatch) -> BillingSettings:
    repository.update_billing_settings(conn, user.merchant_id, patch.model_dump(exclude_unset=True))
    return billing_settings(conn, user)
