"""The rules of usage: live usage over a window, its estimated cost at the prices in force now, the
usage that cannot be billed yet, and days of usage loaded into Postgres for rating (the usage
asset), reconciled with ClickHouse."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg
from clickhouse_connect.driver.client import Client

from billbo import money, periods
from billbo.clickhouse.client import LazyClient
from billbo.customers import repository as customers
from billbo.events import repository as events
from billbo.events.repository import EventFilter
from billbo.merchants import repository as merchants
from billbo.postgres.connection import Conn
from billbo.pricing import models as pricing
from billbo.skus import repository as skus
from billbo.usage import repository
from billbo.usage.schemas import CurrencyTotal, EstimatedCost, Unpriced, UnpricedUsage, Usage, UsageRow

_FIELD_OF = {"day": "day", "customer": "customer_id", "sku": "sku_id"}


def window(sent_from: dt.datetime | None, sent_to: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    start = sent_from or periods.period_start(now)
    end = sent_to or periods.next_period_start(start)
    return start, max(start, end)  # to before from: an empty window, read as such


def _in_window(where: EventFilter) -> EventFilter:
    """The filter with its time bounds defaulted: the current period, as far as not given."""
    start, end = window(where.sent_from, where.sent_to)
    return dataclasses.replace(where, sent_from=start, sent_to=end)


def usage(
    conn: Conn,
    lazy: LazyClient,
    merchant_id: uuid.UUID,
    where: EventFilter,
    group_by: Sequence[str] | None,
    include_cost: bool,
) -> Usage:
    """Quantity and event count per group (by day when no grouping is given), over the window of
    ``where``; with ``include_cost``, the estimated cost of the window at the prices in force now."""
    where = _in_window(where)
    assert where.sent_from is not None and where.sent_to is not None
    groups = list(dict.fromkeys(group_by or ["day"]))
    client = events.client(lazy)
    names = [_FIELD_OF[name] for name in groups]
    rows = [
        UsageRow(**dict(zip([*names, "quantity", "events"], row, strict=True)))
        for row in repository.usage(client, merchant_id, where, groups)
    ]
    cost = _estimate(conn, client, merchant_id, where) if include_cost else None
    return Usage(sent_from=where.sent_from, sent_to=where.sent_to, group_by=groups, rows=rows, estimated_cost=cost)


def _per_customer_and_sku(client: Client, merchant_id: uuid.UUID, where: EventFilter) -> list[tuple[Any, ...]]:
    return repository.usage(client, merchant_id, where, ["customer", "sku"])


def _estimate(conn: Conn, client: Client, merchant_id: uuid.UUID, where: EventFilter) -> EstimatedCost:
    lines = _per_customer_and_sku(client, merchant_id, where)
    prices = skus.all_prices_in_force(conn, merchant_id, dt.datetime.now(dt.UTC))
    currencies = skus.sku_currencies(conn, merchant_id)
    known_customers = customers.ids(conn, merchant_id)
    totals: dict[str, list[Any]] = {}
    unpriced = []
    for customer_id, sku_id, quantity, count in lines:
        reasons = _reasons(customer_id, sku_id, known_customers, currencies, prices)
        if reasons:
            unpriced.append(
                Unpriced(customer_id=customer_id, sku_id=sku_id, quantity=quantity, events=count, reasons=reasons)
            )
            continue
        _, price = prices[sku_id]
        currency, exponent = currencies[sku_id]
        amount, minor = _line_cost(price, repository.to_decimal(quantity), count > 0, exponent)
        total = totals.setdefault(currency, [Decimal(0), 0])
        total[0] += amount
        total[1] += minor
    return EstimatedCost(
        totals=[CurrencyTotal(currency=c, amount=a, amount_minor=m) for c, (a, m) in sorted(totals.items())],
        unpriced=unpriced,
    )


@functools.lru_cache(maxsize=50_000)
def _line_cost(price: pricing.Price, quantity: Decimal, had_usage: bool, exponent: int) -> tuple[Decimal, int]:
    """One customer and SKU's estimated amount, and its minor units, rounded once per line as on an
    invoice. Remembered: the same price and quantity always cost the same, and between two reads of
    a dashboard only the few lines whose usage moved have a new quantity (a profile over 20,000
    customer and SKU lines: rating them was 40% of the read)."""
    amount = pricing.rate(price, quantity, had_usage=had_usage).amount
    return amount, money.to_minor_units(amount, exponent)


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


def unpriced(conn: Conn, lazy: LazyClient, merchant_id: uuid.UUID, where: EventFilter) -> UnpricedUsage:
    """Usage BillBo cannot bill yet, and why: so a merchant sees what is not being billed."""
    where = _in_window(where)
    assert where.sent_from is not None and where.sent_to is not None
    estimate = _estimate(conn, events.client(lazy), merchant_id, where)
    return UnpricedUsage(sent_from=where.sent_from, sent_to=where.sent_to, rows=estimate.unpriced)


# Days of usage, loaded into Postgres for rating.


@dataclass(frozen=True)
class DailyLoad:
    """What loading days did, both sides' totals per day, and the days where they differ."""

    load: repository.Load
    clickhouse: repository.Totals
    postgres: repository.Totals
    mismatched_days: list[str]


def load_days(client: Client, conn: psycopg.Connection[Any], start: dt.date, end: dt.date) -> DailyLoad:
    """Replace the days in [start, end) of usage_daily with ClickHouse's deduplicated usage (in one
    transaction), then count both sides per day, independently: they must reconcile."""
    watermark = repository.server_now(client) - repository.COMMIT_MARGIN
    frame = repository.read_days(client, start, end, watermark)
    loaded = repository.replace_days(conn, start, end, frame)
    # After Postgres has the days: a failure here leaves the live reads on the previous load, exact
    # still (its watermark, a longer tail), and the run fails, to be retried.
    repository.write_closed_days(client, merchants.ids(conn), start, end, frame, watermark)
    stored = repository.postgres_totals(conn, start, end)
    source = repository.clickhouse_totals(client, start, end)
    return DailyLoad(loaded, source, stored, mismatched_days(source, stored))


def mismatched_days(source: repository.Totals, stored: repository.Totals) -> list[str]:
    return sorted(day.isoformat() for day in source.keys() | stored.keys() if source.get(day) != stored.get(day))
