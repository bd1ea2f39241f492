"""Live usage read from the pre-aggregated days plus the tail (D31) equals the raw events read with
FINAL, on random events with duplicates, late copies, negative corrections and copies stored on
either side of a load's watermark."""

from __future__ import annotations

import datetime as dt
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

FIRST = dt.date(2025, 3, 10)  # days no other test loads
DAYS = [FIRST + dt.timedelta(days=i) for i in range(4)]
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
    """The reference: every event's first stored copy, straight from the raw table."""
    dims = {"day": "toDate(sent_at)", "customer": "toString(customer_id)", "sku": "toString(sku_id)"}
    select = ", ".join([*(f"{dims[g]} AS {g}" for g in group_by), "sum(amount)", "count()"])
    params: dict[str, Any] = {"merchant": merchant}
    names = ", ".join(group_by)
    rows = ch.query(
        f"SELECT {select} FROM events FINAL WHERE merchant_id = {{merchant:UUID}}{where.sql(params)} "
        f"GROUP BY {names} ORDER BY {names}",
        parameters=params,
        settings={"do_not_merge_across_partitions_select_final": 1},
    ).result_rows
    return [(*row[:-2], Decimal(str(row[-2])).normalize(), int(row[-1])) for row in rows]


def live(ch: Client, merchant: uuid.UUID, where: EventFilter, group_by: list[str]) -> list[tuple[Any, ...]]:
    return [(*row[:-2], Decimal(row[-2]).normalize(), row[-1]) for row in repository.usage(ch, merchant, where, group_by)]


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


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(copies=st.lists(copy, min_size=1, max_size=40), cut=st.integers(1, 23))
def test_preaggregated_usage_equals_raw_final(databases: Databases, ch_module: Client, copies: list, cut: int) -> None:
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
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        service.load_days(ch, conn, DAYS[0], DAYS[-1] + dt.timedelta(days=1))
    for i, one in enumerate(batches["late"]):
        store(ch, merchant, [one], dt.datetime.now(dt.UTC) + dt.timedelta(microseconds=i))

    month = EventFilter(sent_from=midnight(DAYS[0]), sent_to=midnight(DAYS[-1] + dt.timedelta(days=1)))
    # A window whose bounds cut days: those days come from the raw events, the rest pre-aggregated.
    cut_window = EventFilter(
        sent_from=midnight(DAYS[0]) + dt.timedelta(hours=cut), sent_to=midnight(DAYS[2]) + dt.timedelta(hours=cut)
    )
    one_customer = EventFilter(customer_id=CUSTOMERS[0], sent_from=month.sent_from, sent_to=month.sent_to)
    one_sku = EventFilter(sku_id=SKUS[1], sent_from=month.sent_from, sent_to=month.sent_to)
    for where in (month, cut_window, one_customer, one_sku):
        for group_by in (["day"], ["customer", "sku"], ["day", "sku"], ["day", "customer", "sku"]):
            assert live(ch, merchant, where, group_by) == raw_final(ch, merchant, where, group_by), (where, group_by)


def test_an_event_stored_after_the_load_is_in_the_next_read(databases: Databases, ch: Client) -> None:
    merchant, day = uuid.uuid4(), DAYS[1]
    at = midnight(day) + dt.timedelta(hours=9)
    store(ch, merchant, [("a", SentEvent(CUSTOMERS[0], SKUS[0], Decimal("1.5"), at))], dt.datetime(2025, 3, 12, tzinfo=dt.UTC))
    with psycopg.connect(databases.postgres_url, autocommit=True) as conn:
        service.load_days(ch, conn, day, day + dt.timedelta(days=1))
    where = EventFilter(sent_from=midnight(day), sent_to=midnight(day) + dt.timedelta(days=1))
    assert repository.watermarks(ch, merchant, day, day + dt.timedelta(days=1)), "the day is pre-aggregated"
    assert live(ch, merchant, where, ["day"]) == [(day, Decimal("1.5"), 1)]
    store(ch, merchant, [("b", SentEvent(CUSTOMERS[0], SKUS[0], Decimal("2"), at))], dt.datetime.now(dt.UTC))
    store(ch, merchant, [("a", SentEvent(CUSTOMERS[1], SKUS[0], Decimal("7"), at))], dt.datetime.now(dt.UTC))  # a resend
    assert live(ch, merchant, where, ["day"]) == [(day, Decimal("3.5"), 2)]
    assert live(ch, merchant, where, ["customer"]) == [(str(CUSTOMERS[0]), Decimal("3.5"), 2)]
