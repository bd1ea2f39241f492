"""SQL for SKUs, price versions and tiers.

A stored price version leaves this module converted once (``_priced``): as the API shows it
(``PriceVersion``) and as ``billbo.pricing`` rates it (``pricing.Price``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from psycopg.rows import dict_row

from billbo.postgres.connection import Conn
from billbo.pricing.models import Price
from billbo.skus.schemas import PriceVersion, to_price

PricedVersion = tuple[PriceVersion, Price]

_VERSION = """
    select v.id, v.version, v.model::text as model, v.effective_from, v.unit_price, v.package_size,
           v.package_price, v.included_quantity, v.minimum_charge, v.locked_at is not null as locked,
           coalesce((select json_agg(json_build_object('up_to', t.up_to::text, 'unit_price', t.unit_price::text,
                                                       'flat_fee', t.flat_fee::text) order by t.position)
                     from price_tiers t where t.price_version_id = v.id), '[]') as tiers
    from price_versions v
"""


def _priced(row: dict[str, Any]) -> PricedVersion:
    """The one conversion of a stored price version: row -> ``PriceVersion`` -> ``pricing.Price``."""
    version = PriceVersion.model_validate(row)
    return version, to_price(version)


def insert_sku(conn: Conn, merchant_id: uuid.UUID, *, name: str, unit: str, currency: str) -> uuid.UUID:
    row = conn.execute(
        "insert into skus (merchant_id, name, unit, currency) values (%s, %s, %s, %s) returning id",
        [merchant_id, name, unit, currency],
    ).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def insert_version(
    conn: Conn,
    merchant_id: uuid.UUID,
    sku_id: uuid.UUID,
    price: Price,
    effective_from: dt.datetime,
    created_by: uuid.UUID,
) -> int:
    conn.execute("select 1 from skus where merchant_id = %s and id = %s for update", [merchant_id, sku_id])
    row = conn.execute(
        """
        insert into price_versions (merchant_id, sku_id, version, model, effective_from, unit_price, package_size,
                                    package_price, included_quantity, minimum_charge, created_by)
        values (%s, %s,
                (select coalesce(max(version), 0) + 1 from price_versions where merchant_id = %s and sku_id = %s),
                %s, %s, %s, %s, %s, %s, %s, %s)
        returning id, version
        """,
        [
            merchant_id,
            sku_id,
            merchant_id,
            sku_id,
            price.model,
            effective_from,
            price.unit_price,
            price.package_size,
            price.package_price,
            price.included_quantity,
            price.minimum_charge,
            created_by,
        ],
    ).fetchone()
    assert row is not None
    with conn.cursor() as cur:
        cur.executemany(
            "insert into price_tiers (price_version_id, position, up_to, unit_price, flat_fee) "
            "values (%s, %s, %s, %s, %s)",
            [(row[0], i, t.up_to, t.unit_price, t.flat_fee) for i, t in enumerate(price.tiers)],
        )
    return int(row[1])


def version_at_effective(conn: Conn, merchant_id: uuid.UUID, sku_id: uuid.UUID, effective_from: dt.datetime) -> bool:
    row = conn.execute(
        "select 1 from price_versions where merchant_id = %s and sku_id = %s and effective_from = %s",
        [merchant_id, sku_id, effective_from],
    ).fetchone()
    return row is not None


def billed_after(conn: Conn, merchant_id: uuid.UUID, sku_id: uuid.UUID, at: dt.datetime) -> bool:
    """Whether a finalised invoice bills this SKU's usage of a period that ends after ``at``."""
    row = conn.execute(
        """
        select 1 from invoice_lines l join invoices i on i.id = l.invoice_id
        where i.merchant_id = %s and i.status = 'finalized' and l.sku_id = %s
          and (l.usage_period_start + interval '1 month') > %s
        limit 1
        """,
        [merchant_id, sku_id, at],
    ).fetchone()
    return row is not None


def get_sku(conn: Conn, merchant_id: uuid.UUID, sku_id: uuid.UUID) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select id, name, unit, currency, created_at, archived_at from skus where merchant_id = %s and id = %s",
            [merchant_id, sku_id],
        ).fetchone()


def list_skus(conn: Conn, merchant_id: uuid.UUID, include_archived: bool) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select id, name, unit, currency, created_at, archived_at from skus where merchant_id = %s "
            + ("" if include_archived else "and archived_at is null ")
            + "order by lower(name), id",
            [merchant_id],
        ).fetchall()


def _version_rows(conn: Conn, merchant_id: uuid.UUID, sku_id: uuid.UUID) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            _VERSION + " where v.merchant_id = %s and v.sku_id = %s order by v.version", [merchant_id, sku_id]
        ).fetchall()


def price_versions(conn: Conn, merchant_id: uuid.UUID, sku_id: uuid.UUID) -> list[PriceVersion]:
    """Every version of the SKU's price, oldest first."""
    return [PriceVersion.model_validate(row) for row in _version_rows(conn, merchant_id, sku_id)]


def price_in_force(conn: Conn, merchant_id: uuid.UUID, sku_id: uuid.UUID, at: dt.datetime) -> PricedVersion | None:
    """The version in force at ``at`` (the latest whose effective_from is not after it) and its price."""
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            _VERSION + " where v.merchant_id = %s and v.sku_id = %s and v.effective_from <= %s "
            "order by v.effective_from desc limit 1",
            [merchant_id, sku_id, at],
        ).fetchone()
    return _priced(row) if row else None


def price_version(conn: Conn, merchant_id: uuid.UUID, sku_id: uuid.UUID, version_id: uuid.UUID) -> PricedVersion | None:
    """One version of the SKU's price, by its id, and its price."""
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            _VERSION + " where v.merchant_id = %s and v.sku_id = %s and v.id = %s", [merchant_id, sku_id, version_id]
        ).fetchone()
    return _priced(row) if row else None


def update_sku(conn: Conn, merchant_id: uuid.UUID, sku_id: uuid.UUID, *, name: str, unit: str) -> bool:
    cur = conn.execute(
        "update skus set name = %s, unit = %s where merchant_id = %s and id = %s", [name, unit, merchant_id, sku_id]
    )
    return cur.rowcount == 1


def archive_sku(conn: Conn, merchant_id: uuid.UUID, sku_id: uuid.UUID) -> bool:
    cur = conn.execute(
        "update skus set archived_at = coalesce(archived_at, now()) where merchant_id = %s and id = %s",
        [merchant_id, sku_id],
    )
    return cur.rowcount == 1


def currency_exponent(conn: Conn, code: str) -> int | None:
    row = conn.execute("select exponent from currencies where code = %s", [code]).fetchone()
    return int(row[0]) if row else None


def _rows_in_force(conn: Conn, merchant_id: uuid.UUID, at: dt.datetime) -> dict[str, dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            _VERSION.replace(
                "from price_versions v",
                "from price_versions v join (select distinct on (sku_id) id "
                "from price_versions where merchant_id = %s and effective_from <= %s "
                "order by sku_id, effective_from desc) in_force on in_force.id = v.id",
            ).replace("select v.id,", "select v.sku_id::text as sku_key, v.id,"),
            [merchant_id, at],
        ).fetchall()
    return {row.pop("sku_key"): row for row in rows}


def all_prices_in_force(conn: Conn, merchant_id: uuid.UUID, at: dt.datetime) -> dict[str, PricedVersion]:
    """The version in force at ``at`` of each of the merchant's SKUs and its price, by SKU id (text)."""
    return {sku_id: _priced(row) for sku_id, row in _rows_in_force(conn, merchant_id, at).items()}


def sku_currencies(conn: Conn, merchant_id: uuid.UUID) -> dict[str, tuple[str, int]]:
    """Each SKU's currency and that currency's exponent, by SKU id (text)."""
    rows = conn.execute(
        "select s.id::text, s.currency, c.exponent from skus s join currencies c on c.code = s.currency "
        "where s.merchant_id = %s",
        [merchant_id],
    ).fetchall()
    return {r[0]: (r[1], int(r[2])) for r in rows}
