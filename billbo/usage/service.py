"""The rules of usage: live usage over a window, its estimated cost at the prices in force now, the
usage that cannot be billed yet, and days of usage loaded into Postgres for rating (the usage
asset), reconciled with ClickHouse."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import functools
import itertools
import threading
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
from billbo.money import plain
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


# The pre-aggregated days' sums this process has read (about 200 bytes a group: 40 MB at most).
_CLOSED_DAYS = repository.ClosedDaysCache(max_groups=200_000)
_LINES = ("customer", "sku")


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
    groupings = [groups, list(_LINES)] if include_cost else [groups]
    sums = repository.usage_sums(client, merchant_id, where, groupings, _CLOSED_DAYS)
    rows = [
        UsageRow(**dict(zip(names, group, strict=True)), quantity=plain(quantity), events=count)
        for group, (quantity, count) in sorted(sums[0].items())
    ]
    cost = _estimate(conn, merchant_id, sums[1]) if include_cost else None
    return Usage(sent_from=where.sent_from, sent_to=where.sent_to, group_by=groups, rows=rows, estimated_cost=cost)


def _estimate(conn: Conn, merchant_id: uuid.UUID, lines: repository.Sums) -> EstimatedCost:
    """The estimated cost of usage per customer and SKU at the prices in force now, and the lines
    that cannot be priced."""
    prices = skus.all_prices_in_force(conn, merchant_id, dt.datetime.now(dt.UTC))
    currencies = skus.sku_currencies(conn, merchant_id)
    known_customers = customers.ids(conn, merchant_id)
    # Each SKU's rating, once per read: its price (interned, so the remembered line costs are
    # found by a number, not by comparing prices) and its currency.
    rating = {
        sku_id: (_price_token(prices[sku_id][1]), *currencies[sku_id]) for sku_id in prices if sku_id in currencies
    }
    totals: dict[str, list[Any]] = {}
    unpriced = []
    for (customer_id, sku_id), (quantity, count) in lines.items():
        terms = rating.get(sku_id)
        if terms is None or customer_id not in known_customers:
            reasons = _reasons(customer_id, sku_id, known_customers, currencies, prices)
            unpriced.append(
                Unpriced(
                    customer_id=customer_id, sku_id=sku_id, quantity=plain(quantity), events=count, reasons=reasons
                )
            )
            continue
        token, currency, exponent = terms
        amount, minor = _line_cost(token, quantity, count > 0, exponent)
        total = totals.get(currency)
        if total is None:
            total = totals[currency] = [Decimal(0), 0]
        total[0] += amount
        total[1] += minor
    return EstimatedCost(
        totals=[CurrencyTotal(currency=c, amount=a, amount_minor=m) for c, (a, m) in sorted(totals.items())],
        unpriced=sorted(unpriced, key=lambda line: (line.customer_id, line.sku_id)),
    )


# Prices seen by this process, each with a number never given to another: the remembered line
# costs are keyed by it (hashing a price with its tiers for each of 20,000 lines was a third of
# the estimate's time in a profile).
_PRICE_TOKENS: dict[pricing.Price, int] = {}
_PRICES: dict[int, pricing.Price] = {}
_TOKENS_LOCK = threading.Lock()
_MAX_PRICES = 10_000
_NEXT_TOKEN = itertools.count()


def _price_token(price: pricing.Price) -> int:
    with _TOKENS_LOCK:
        token = _PRICE_TOKENS.get(price)
        if token is None:
            if len(_PRICE_TOKENS) >= _MAX_PRICES:  # the oldest out; its remembered costs age out
                oldest = next(iter(_PRICE_TOKENS))
                del _PRICES[_PRICE_TOKENS.pop(oldest)]
            token = _PRICE_TOKENS[price] = next(_NEXT_TOKEN)
            _PRICES[token] = price
        return token


@functools.lru_cache(maxsize=50_000)
def _line_cost(price_token: int, quantity: Decimal, had_usage: bool, exponent: int) -> tuple[Decimal, int]:
    """One customer and SKU's estimated amount, and its minor units, rounded once per line as on an
    invoice. Remembered: the same price and quantity always cost the same, and between two reads of
    a dashboard only the few lines whose usage moved have a new quantity (a profile over 20,000
    customer and SKU lines: rating them was 40% of the read)."""
    amount = pricing.rate(_PRICES[price_token], plain(quantity), had_usage=had_usage).amount
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
    lines = repository.usage_sums(events.client(lazy), merchant_id, where, [list(_LINES)], _CLOSED_DAYS)[0]
    estimate = _estimate(conn, merchant_id, lines)
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
    transaction), then count Postgres's side per day: it must equal the day totals ClickHouse
    summed in the same read (not from the groups), so a group lost, changed or doubled on its way
    shows as a day that differs."""
    watermark = repository.server_now(client) - repository.COMMIT_MARGIN
    frame, source = repository.read_days(client, start, end, watermark)
    # The two copies of the days are written at once: ClickHouse's pre-aggregated days (for the
    # live reads) while Postgres takes its COPY (for rating). Each is exact on its own, whatever
    # the other did: should one fail, the live reads stay on the previous load (its watermark, a
    # longer tail) or rating on the previous days, and the run fails, to be retried.
    merchant_ids = merchants.ids(conn)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        closed = pool.submit(repository.write_closed_days, client, merchant_ids, start, end, frame, watermark)
        loaded = repository.replace_days(conn, start, end, frame)
        closed.result()
    stored = repository.postgres_totals(conn, start, end)
    return DailyLoad(loaded, source, stored, mismatched_days(source, stored))


def mismatched_days(source: repository.Totals, stored: repository.Totals) -> list[str]:
    return sorted(day.isoformat() for day in source.keys() | stored.keys() if source.get(day) != stored.get(day))
