"""Live usage read from the pre-aggregated days plus the tail (D31) equals the raw events read with
FINAL, on random events with duplicates (also with another sent_at, in another month: D33), late
copies, negative corrections and copies stored on either side of a load's watermark, before and
after merges."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from clickhouse_connect.driver.client import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billbo.clickhouse.client import create_client
from billbo.events import native
from billbo.events import repository as events
from billbo.events.repository import EventFilter
from billbo.events.schemas import SentEvent
from billbo.migrations.runner import Databases
from billbo.usage import repository, service

FIRST = dt.date(2025, 3, 30)  # days no other test loads, across the end of a month
DAYS = [FIRST + dt.timedelta(days=i) for i in range(4)]
MONTHS = (dt.date(2025, 3, 1), dt.date(2025, 5, 1))  # March and April: no other test stores events there
CUSTOMERS = [uuid.UUID(int=0xC1), uuid.UUID(int=0xC2)]
SKUS = [uuid.UUID(int=0x51), uuid.UUID(int=0x52)]


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def store(ch: Client, merchant: uuid.UUID, copies: list[tuple[str, SentEvent]], ingested_at: dt.datetime) -> None:
    """One insert of copies stamped ``ingested_at``, as one ingest batch stores them."""
    sent = [event for _, event in copies]
    scaled = [int(event.amount * 10**12) for event in sent]
    fragment = native.encode(merchant, sent, [event_id for event_id, _ in copies], scaled, ingested_at)
    events.insert_block(ch, native.block([fragment]))


def raw_final(ch: Client, merchant: uuid.UUID, where: EventFilter, group_by: list[str]) -> list[tuple[Any, ...]]:
    """The reference: the merchant's raw events read with FINAL across every partition (a time
    filter inside FINAL would skip parts, and with them copies stored with another sent_at; FINAL
    within each partition alone would keep a copy per month), each event's first stored copy, then
    the window and filters applied and the groups summed here."""
    rows = ch.query(
        "SELECT toDate(sent_at), toString(customer_id), toString(sku_id), amount, sent_at FROM events FINAL "
        "WHERE merchant_id = {merchant:UUID}",
        parameters={"merchant": merchant},
        settings={"do_not_merge_across_partitions_select_final": 0},
    ).result_rows
    assert where.sent_from is not None and where.sent_to is not None
    sums: dict[tuple[Any, ...], list[Any]] = {}
    for day, customer, sku, amount, sent_at in rows:
        if not where.sent_from <= sent_at.replace(tzinfo=dt.UTC) < where.sent_to:
            continue
        if where.customer_id is not None and customer != str(where.customer_id):
            continue
        if where.sku_id is not None and sku != str(where.sku_id):
            continue
        key = tuple({"day": day, "customer": customer, "sku": sku}[g] for g in group_by)
        total = sums.setdefault(key, [Decimal(0), 0])
        total[0] += amount
        total[1] += 1
    return [(*key, quantity.normalize(), count) for key, (quantity, count) in sorted(sums.items())]


# As the dashboard reads: the pre-aggregated days' sums remembered between reads (D31), so every
# read after the first of a window is served from it and must still see what arrived since.
CACHE = repository.ClosedDaysCache(max_groups=10_000)


def live(ch: Client, merchant: uuid.UUID, where: EventFilter, group_by: list[str]) -> list[tuple[Any, ...]]:
    return [
        (*row[:-2], Decimal(row[-2]).normalize(), row[-1])
        for row in repository.usage(ch, merchant, where, group_by, CACHE)
    ]


@pytest.fixture(scope="module")
def ch_module(databases: Databases) -> Iterator[Client]:
    client = create_client(databases.clickhouse_url)
    yield client
    client.close()


copy = st.tuples(
    st.integers(0, 11),  # event id: a small pool, so ids repeat (retries, reused ids)
    st.sampled_from(DAYS),
    st.integers(0, 23),  # hour
    st.sampled_from(CUSTOMERS),
    st.sampled_from(SKUS),
    st.decimals(min_value=-3, max_value=7, places=2),  # corrections are negative
    # When the copy was stored: well before the load, inside the load's commit margin, or after it.
    st.sampled_from(["old", "margin", "late"]),
)


@settings(
    max_examples=int(os.environ.get("BILLBO_PROPERTY_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    copies=st.lists(copy, min_size=1, max_size=40), cut=st.integers(1, 23), merged=st.booleans(), loaded=st.booleans()
)
def test_preaggregated_usage_equals_raw_final(
    databases: Databases, ch_module: Client, copies: list[tuple[Any, ...]], cut: int, merged: bool, loaded: bool
) -> None:
    ch, merchant = ch_module, uuid.uuid4()
    now = repository.server_now(ch)
    stamps = {
        "old": now - dt.timedelta(hours=2),
        "margin": now - repository.COMMIT_MARGIN / 2,
        "late": None,  # after the load
    }
    batches: dict[str, list[tuple[str, SentEvent]]] = {"old": [], "margin": [], "late": []}
    for event_id, day, hour, customer, sku, amount, when in copies:
        at = midnight(day) + dt.timedelta(hours=hour)
        batches[when].append((f"e{event_id}", SentEvent(customer, sku, amount, at)))
    # Each copy its own insert and stamp, so the first stored copy is well defined.
    for when in ("old", "margin"):
        for i, one in enumerate(batches[when]):
            stamp = stamps[when]
            assert stamp is not None
            store(ch, merchant, [one], stamp + dt.timedelta(microseconds=i))
    if loaded:  # the days pre-aggregated, or (a merchant's first month) read from the raw events
        with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
            service.load_days(ch, conn, DAYS[0], DAYS[-1] + dt.timedelta(days=1))
    whole_days = EventFilter(sent_from=midnight(DAYS[0]), sent_to=midnight(DAYS[-1] + dt.timedelta(days=1)))
    for group_by in (["day"], ["customer", "sku"]):  # read once before the late copies: remembered
        live(ch, merchant, whole_days, group_by)
    for i, one in enumerate(batches["late"]):
        store(ch, merchant, [one], dt.datetime.now(dt.UTC) + dt.timedelta(microseconds=i))
    if merged:  # the parts merged (duplicates gone from storage), or each copy still in its own
        ch.command("OPTIMIZE TABLE events PARTITION 202503 FINAL")
        ch.command("OPTIMIZE TABLE events PARTITION 202504 FINAL")

    month = EventFilter(sent_from=midnight(DAYS[0]), sent_to=midnight(DAYS[-1] + dt.timedelta(days=1)))
    # A window whose bounds cut days: those days come from the raw events, the rest pre-aggregated.
    cut_window = EventFilter(
        sent_from=midnight(DAYS[0]) + dt.timedelta(hours=cut), sent_to=midnight(DAYS[2]) + dt.timedelta(hours=cut)
    )
    one_customer = EventFilter(customer_id=CUSTOMERS[0], sent_from=month.sent_from, sent_to=month.sent_to)
    one_sku = EventFilter(sku_id=SKUS[1], sent_from=month.sent_from, sent_to=month.sent_to)
    # Whole calendar months: FINAL for the ids that stay within one month, by event id for the rest.
    whole_months = EventFilter(sent_from=midnight(MONTHS[0]), sent_to=midnight(MONTHS[1]))
    april = EventFilter(sent_from=midnight(dt.date(2025, 4, 1)), sent_to=midnight(MONTHS[1]))
    for where in (month, cut_window, one_customer, one_sku, whole_months, april):
        for group_by in (["day"], ["customer", "sku"], ["day", "sku"], ["day", "customer", "sku"]):
            assert live(ch, merchant, where, group_by) == raw_final(ch, merchant, where, group_by), (where, group_by)
    # The load's own read of whole months (what `billbo rate` reloads) agrees too.
    frame, totals = repository.read_days(ch, *MONTHS, repository.server_now(ch))
    mine = frame.filter(frame["merchant_id"] == str(merchant))
    loaded_rows = sorted(
        (day, customer, sku, Decimal(str(quantity)).normalize(), count)
        for day, customer, sku, quantity, count in mine.select(
            "day", "customer_id", "sku_id", "quantity", "event_count"
        ).iter_rows()
    )
    assert loaded_rows == raw_final(ch, merchant, whole_months, ["day", "customer", "sku"])
    days = {day for day, *_ in loaded_rows}  # its day totals (of every merchant) agree with its groups
    for day in days:
        groups = frame.filter(frame["day"] == day)
        assert totals[day] == (int(groups["event_count"].sum()), Decimal(str(groups["quantity"].sum())))


def test_an_event_stored_after_the_load_is_in_the_next_read(databases: Databases, ch: Client) -> None:
    merchant, day = uuid.uuid4(), DAYS[1]
    at = midnight(day) + dt.timedelta(hours=9)
    store(
        ch,
        merchant,
        [("a", SentEvent(CUSTOMERS[0], SKUS[0], Decimal("1.5"), at))],
        dt.datetime(2025, 3, 12, tzinfo=dt.UTC),
    )
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        service.load_days(ch, conn, day, day + dt.timedelta(days=1))
    where = EventFilter(sent_from=midnight(day), sent_to=midnight(day) + dt.timedelta(days=1))
    assert repository.watermarks(ch, merchant, day, day + dt.timedelta(days=1)), "the day is pre-aggregated"
    assert live(ch, merchant, where, ["day"]) == [(day, Decimal("1.5"), 1)]
    store(ch, merchant, [("b", SentEvent(CUSTOMERS[0], SKUS[0], Decimal("2"), at))], dt.datetime.now(dt.UTC))
    store(
        ch, merchant, [("a", SentEvent(CUSTOMERS[1], SKUS[0], Decimal("7"), at))], dt.datetime.now(dt.UTC)
    )  # a resend
    assert live(ch, merchant, where, ["day"]) == [(day, Decimal("3.5"), 2)]
    assert live(ch, merchant, where, ["customer"]) == [(str(CUSTOMERS[0]), Decimal("3.5"), 2)]
    # The day loaded again, both loads' rows side by side (merges stopped): the newest load's rows
    # count, once.
    ch.command("SYSTEM STOP MERGES usage_daily")
    try:
        with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
            service.load_days(ch, conn, day, day + dt.timedelta(days=1))
        loads = ch.query(
            "SELECT uniqExact(version) FROM usage_daily WHERE merchant_id = {m:UUID} AND row_kind = 'usage'",
            parameters={"m": merchant},
        ).result_rows
        assert loads == [(2,)]
        assert live(ch, merchant, where, ["day"]) == [(day, Decimal("3.5"), 2)]
    finally:
        ch.command("SYSTEM START MERGES usage_daily")


def test_a_copy_stored_with_another_sent_at_is_not_counted_again(ch: Client) -> None:
    """The first copy of an event sent on one day, a resend of it stamped the next day: only the
    first counts, also in a window that holds the resend alone (not yet merged, the two copies sit
    in parts a time filter would tell apart)."""
    merchant, day = uuid.uuid4(), DAYS[1]
    first_at, resend_at = midnight(day) + dt.timedelta(hours=13), midnight(day) + dt.timedelta(days=1, hours=11)
    store(ch, merchant, [("x", SentEvent(CUSTOMERS[0], SKUS[0], Decimal("6"), first_at))], dt.datetime.now(dt.UTC))
    store(ch, merchant, [("x", SentEvent(CUSTOMERS[0], SKUS[0], Decimal("-1"), resend_at))], dt.datetime.now(dt.UTC))
    resend_day = EventFilter(sent_from=midnight(day) + dt.timedelta(days=1), sent_to=resend_at + dt.timedelta(hours=1))
    both_days = EventFilter(sent_from=midnight(day), sent_to=resend_at + dt.timedelta(hours=1))
    assert live(ch, merchant, resend_day, ["day"]) == []
    assert live(ch, merchant, both_days, ["day"]) == [(day, Decimal(6), 1)]


def test_the_closed_days_cache_holds_at_most_its_groups_least_recently_used_out() -> None:
    cache = repository.ClosedDaysCache(max_groups=3)
    one, two = {("a",): (Decimal(1), 1)}, {("b",): (Decimal(2), 1), ("c",): (Decimal(3), 1)}
    cache.put("first", [one])
    cache.put("second", [two])
    assert cache.get("first") == [one]  # now the most recently used
    cache.put("third", [one])
    assert cache.get("second") is None
    assert cache.get("first") == [one] and cache.get("third") == [one]
    cache.put("too big", [two, two])
    assert cache.get("too big") is None
