"""Reading usage: the events explorer and live usage with its estimated cost."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from clickhouse_connect.driver.client import Client
from psycopg_pool import ConnectionPool

from billbo import money, pagination, periods
from billbo.clickhouse.client import LazyClient
from billbo.customers import repository as customers
from billbo.errors import NotFound, ServiceUnavailable
from billbo.events import repository as events
from billbo.events.repository import EventFilter
from billbo.pricing import models as pricing
from dashboard_api.auth.deps import User
from dashboard_api.events.schemas import (
    CurrencyTotal,
    EstimatedCost,
    Event,
    EventPage,
    Unpriced,
    UnpricedUsage,
    Usage,
    UsageRow,
)
from dashboard_api.skus import repository as skus
from dashboard_api.skus.schemas import PriceIn
from dashboard_api.skus.service import to_price

_FIELD_OF = {"day": "day", "customer": "customer_id", "sku": "sku_id"}


def _clickhouse(lazy: LazyClient) -> Client:
    try:
        return lazy.get()
    except Exception as exc:
        lazy.reset()
        raise ServiceUnavailable("Usage cannot be read right now; retry shortly.") from exc


def _event(row: events.EventRow) -> Event:
    return Event(event_id=row.event_id, customer_id=uuid.UUID(row.customer_id), sku_id=uuid.UUID(row.sku_id),
                 amount=Decimal(row.amount), sent_at=dt.datetime.fromisoformat(row.sent_at),
                 ingested_at=dt.datetime.fromisoformat(row.ingested_at))  # fmt: skip


def _cursor(row: events.EventRow) -> str:
    return pagination.event_cursor(dt.datetime.fromisoformat(row.sent_at), row.event_id)


def explore(lazy: LazyClient, user: User, where: EventFilter, cursor: str | None, limit: int) -> EventPage:
    before = pagination.event_position(cursor) if cursor else None
    rows = events.page(_clickhouse(lazy), user.merchant_id, where, before=before, limit=limit + 1)
    return EventPage(
        events=[_event(r) for r in rows[:limit]], next_cursor=_cursor(rows[limit - 1]) if len(rows) > limit else None
    )


def find(lazy: LazyClient, user: User, event_id: str) -> Event:
    row = events.find(_clickhouse(lazy), user.merchant_id, event_id)
    if row is None:
        raise NotFound(f"No event {event_id!r}.")
    return _event(row)


def window(sent_from: dt.datetime | None, sent_to: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    start = sent_from or periods.period_start(now)
    end = sent_to or periods.next_period_start(start)
    return start, max(start, end)  # to before from: an empty window, read as such


def usage(
    pool: ConnectionPool, lazy: LazyClient, user: User, where: EventFilter, group_by: Sequence[str], include_cost: bool
) -> Usage:
    assert where.sent_from is not None and where.sent_to is not None
    client = _clickhouse(lazy)
    names = [_FIELD_OF[name] for name in group_by]
    rows = [
        UsageRow(**dict(zip([*names, "quantity", "events"], row, strict=True)))
        for row in events.usage(client, user.merchant_id, where, group_by)
    ]
    cost = _estimate(pool, client, user, where) if include_cost else None
    return Usage(sent_from=where.sent_from, sent_to=where.sent_to, group_by=list(group_by), rows=rows,
                 estimated_cost=cost)  # fmt: skip


def _per_customer_and_sku(client: Client, user: User, where: EventFilter) -> list[tuple[Any, ...]]:
    return events.usage(client, user.merchant_id, where, ["customer", "sku"])


def _estimate(pool: ConnectionPool, client: Client, user: User, where: EventFilter) -> EstimatedCost:
    lines = _per_customer_and_sku(client, user, where)
    with pool.connection() as conn:
        prices = skus.prices_in_force(conn, user.merchant_id, dt.datetime.now(dt.UTC))
        currencies = skus.sku_currencies(conn, user.merchant_id)
        known_customers = customers.ids(conn, user.merchant_id)
    totals: dict[str, list[Any]] = {}
    unpriced = []
    for customer_id, sku_id, quantity, count in lines:
        reasons = _reasons(customer_id, sku_id, known_customers, currencies, prices)
        if reasons:
            unpriced.append(Unpriced(customer_id=customer_id, sku_id=sku_id, quantity=quantity, events=count,
                                     reasons=reasons))  # fmt: skip
            continue
        version = prices[sku_id]
        price = to_price(PriceIn.model_validate({k: version[k] for k in PriceIn.model_fields}))
        amount = pricing.rate(price, events.to_decimal(quantity), had_usage=count > 0).amount
        currency, exponent = currencies[sku_id]
        total = totals.setdefault(currency, [Decimal(0), 0])
        total[0] += amount
        total[1] += money.to_minor_units(amount, exponent)  # rounded once per line, as on an invoice
    return EstimatedCost(
        totals=[CurrencyTotal(currency=c, amount=a, amount_minor=m) for c, (a, m) in sorted(totals.items())],
        unpriced=unpriced,
    )


def _reasons(
    customer_id: str, sku_id: str, known_customers: set[str], currencies: dict[str, Any], prices: dict[str, Any]
) -> list[str]:
    reasons = []
    if customer_id not in known_customers:
        reasons.append("unknown_customer")
    if sku_id not in currencies:
        reasons.append("unknown_sku")
    elif sku_id not in prices:
        reasons.append("no_price_in_force")
    return reasons


def unpriced(pool: ConnectionPool, lazy: LazyClient, user: User, where: EventFilter) -> UnpricedUsage:
    """Usage BillBo cannot bill yet, and why: so a merchant sees what is not being billed."""
    assert where.sent_from is not None and where.sent_to is not None
    estimate = _estimate(pool, _clickhouse(lazy), user, where)
    return UnpricedUsage(sent_from=where.sent_from, sent_to=where.sent_to, rows=estimate.unpriced)
