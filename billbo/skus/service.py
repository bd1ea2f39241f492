"""The rules of SKUs and prices: validated terms, versions that take effect on a date, previews."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from billbo import money, periods
from billbo.accounts.schemas import User
from billbo.errors import Conflict, NotFound, Unprocessable
from billbo.postgres.connection import Conn
from billbo.pricing import models as pricing
from billbo.skus import repository
from billbo.skus.schemas import Preview, PreviewLine, PriceChange, PriceIn, Sku, SkuIn, SkuUpdate, to_price


def _invalid(field: str, message: str) -> Unprocessable:
    return Unprocessable(f"Invalid price: {message}.", details=[{"field": field, "message": message}])


def _checked_price(conn: Conn, data: PriceIn, currency: str) -> pricing.Price:
    price = to_price(data)
    try:
        pricing.validate(price)
    except pricing.InvalidPrice as exc:
        raise _invalid(f"price.{exc.field}", exc.message) from exc
    exponent = repository.currency_exponent(conn, currency)
    if exponent is None:
        raise Unprocessable(f"Unknown currency {currency!r}.", details=[{"field": "currency", "message": "unknown"}])
    # Amounts charged as such (not per unit) must be payable in the currency's minor units.
    charges = {"price.minimum_charge": price.minimum_charge, "price.package_price": price.package_price}
    charges |= {f"price.tiers.{i}.flat_fee": t.flat_fee for i, t in enumerate(price.tiers)}
    for field, amount in charges.items():
        if amount is not None and not money.fits_minor_units(amount, exponent):
            raise _invalid(field, f"{currency} has {exponent} decimals; {amount} has more")
    return price


def _sku(conn: Conn, merchant_id: uuid.UUID, row: dict[str, Any], *, with_versions: bool) -> Sku:
    current = repository.price_in_force(conn, merchant_id, row["id"], dt.datetime.now(dt.UTC))
    versions = repository.price_versions(conn, merchant_id, row["id"]) if with_versions else []
    return Sku(**row, current_price=current[0] if current else None, versions=versions)


def _load(conn: Conn, user: User, sku_id: uuid.UUID) -> dict[str, Any]:
    row = repository.get_sku(conn, user.merchant_id, sku_id)
    if row is None:
        raise NotFound(f"No SKU {sku_id}.")
    return row


def _add_version(
    conn: Conn, user: User, sku: dict[str, Any], price: pricing.Price, effective_from: dt.datetime
) -> None:
    # A price may start in the past (a new merchant prices the usage it backfilled), as long as no
    # finalised invoice billed this SKU for that time: what is invoiced is never re-priced.
    if effective_from < periods.period_start(dt.datetime.now(dt.UTC)) and repository.billed_after(
        conn, user.merchant_id, sku["id"], effective_from
    ):
        raise Conflict(
            "A finalised invoice already bills this SKU after that time; a price can take effect after it.",
            details=[{"field": "effective_from", "message": "a finalised invoice covers this time"}],
        )
    if repository.version_at_effective(conn, user.merchant_id, sku["id"], effective_from):
        raise Conflict(f"A price version already takes effect at {effective_from.isoformat()}.")
    repository.insert_version(conn, user.merchant_id, sku["id"], price, effective_from, user.id)


def create(conn: Conn, user: User, data: SkuIn) -> Sku:
    now = dt.datetime.now(dt.UTC)
    price = _checked_price(conn, data.price, data.currency)
    sku_id = repository.insert_sku(conn, user.merchant_id, name=data.name, unit=data.unit, currency=data.currency)
    sku = _load(conn, user, sku_id)
    _add_version(conn, user, sku, price, data.effective_from or periods.period_start(now))
    return _sku(conn, user.merchant_id, sku, with_versions=True)


def change_price(conn: Conn, user: User, sku_id: uuid.UUID, change: PriceChange) -> Sku:
    now = dt.datetime.now(dt.UTC)
    sku = _load(conn, user, sku_id)
    price = _checked_price(conn, change.price, sku["currency"])
    _add_version(conn, user, sku, price, change.effective_from or periods.next_period_start(now))
    return _sku(conn, user.merchant_id, sku, with_versions=True)


def get(conn: Conn, user: User, sku_id: uuid.UUID) -> Sku:
    return _sku(conn, user.merchant_id, _load(conn, user, sku_id), with_versions=True)


def list_skus(conn: Conn, user: User, include_archived: bool) -> list[Sku]:
    return [
        _sku(conn, user.merchant_id, row, with_versions=False)
        for row in repository.list_skus(conn, user.merchant_id, include_archived)
    ]


def update(conn: Conn, user: User, sku_id: uuid.UUID, data: SkuUpdate) -> Sku:
    if not repository.update_sku(conn, user.merchant_id, sku_id, name=data.name, unit=data.unit):
        raise NotFound(f"No SKU {sku_id}.")
    return _sku(conn, user.merchant_id, _load(conn, user, sku_id), with_versions=True)


def archive(conn: Conn, user: User, sku_id: uuid.UUID) -> Sku:
    if not repository.archive_sku(conn, user.merchant_id, sku_id):
        raise NotFound(f"No SKU {sku_id}.")
    return _sku(conn, user.merchant_id, _load(conn, user, sku_id), with_versions=True)


def preview(conn: Conn, user: User, sku_id: uuid.UUID, quantity: Decimal, at: dt.datetime | None) -> Preview:
    """What ``quantity`` units in one period would cost under the version in force at ``at``."""
    sku = _load(conn, user, sku_id)
    in_force = repository.price_in_force(conn, user.merchant_id, sku_id, at or dt.datetime.now(dt.UTC))
    if in_force is None:
        raise NotFound("No price is in force for this SKU at that time.")
    exponent = repository.currency_exponent(conn, sku["currency"])
    assert exponent is not None
    version, price = in_force
    rating = pricing.rate(price, quantity)
    return Preview(
        sku_id=sku_id,
        price_version=version.version,
        currency=sku["currency"],
        quantity=quantity,
        billable_quantity=rating.billable_quantity,
        lines=[PreviewLine(**line.__dict__) for line in rating.lines],
        subtotal=rating.subtotal,
        minimum_top_up=rating.minimum_top_up,
        amount=rating.amount,
        amount_minor=money.to_minor_units(rating.amount, exponent),
    )
