"""The explorer's reads and the read by id touch only the granules they need: checked on the
query plan ClickHouse makes for them (EXPLAIN indexes = 1), over 400,000 events of one merchant."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from billbo.clickhouse.client import create_client
from billbo.events import repository
from billbo.events.repository import EventFilter
from billbo.migrations.runner import Databases

EVENTS = 400_000
CUSTOMER = "00000000-0000-4000-8000-{:012d}"
SKU = "00000000-0000-4000-9000-{:012d}"
SEED = """
INSERT INTO events (merchant_id, event_id, customer_id, sku_id, amount, sent_at)
SELECT {merchant:UUID}, concat('e-', toString(number)),
       toUUID(concat('00000000-0000-4000-8000-', leftPad(toString(number % 1000), 12, '0'))),
       toUUID(concat('00000000-0000-4000-9000-', leftPad(toString(intDiv(number, 1000) % 20), 12, '0'))),
       toDecimal128(1, 12), toDateTime64('2025-02-01 00:00:00', 6, 'UTC') + toIntervalSecond(number * 6)
FROM numbers({offset:UInt64}, {n:UInt64})
"""


@pytest.fixture(scope="module")
def seeded(databases: Databases) -> Iterator[tuple[Client, uuid.UUID]]:
    client, merchant = create_client(databases.clickhouse_url), uuid.uuid4()
    for offset in range(0, EVENTS, EVENTS // 4):  # four inserts: four parts, as ingest leaves them
        client.command(SEED, parameters={"merchant": merchant, "offset": offset, "n": EVENTS // 4})
    yield client, merchant
    client.close()


def plan(
    client: Client, query: str, params: dict[str, Any], settings: dict[str, Any] | None = None
) -> tuple[str, int, int]:
    """What the query reads: the table or projection, and its granules selected out of all."""
    explain = client.query("EXPLAIN indexes = 1 " + query, parameters=params, settings=settings or {})
    text = "\n".join(row[0] for row in explain.result_rows)
    source = [name.split(".")[-1] for name in re.findall(r"ReadFromMergeTree \(([\w.]+)\)", text)]
    granules = re.findall(r"Granules: (\d+)/(\d+)", text)
    assert source and granules, text
    selected, total = (int(n) for n in granules[-1])
    return source[-1], selected, total


def test_a_page_filtered_by_customer_or_sku_reads_its_projection(seeded: tuple[Client, uuid.UUID]) -> None:
    client, merchant = seeded
    one_customer = EventFilter(customer_id=uuid.UUID(CUSTOMER.format(7)))
    one_sku = EventFilter(sku_id=uuid.UUID(SKU.format(3)))
    both = EventFilter(customer_id=uuid.UUID(CUSTOMER.format(7)), sku_id=uuid.UUID(SKU.format(3)))
    for where, projection, share in (
        (one_customer, "events_by_customer", 1 / 1000),
        (one_sku, "events_by_sku", 1 / 20),
        (both, "events_by_customer", 1 / 1000),
    ):
        source, selected, total = plan(client, *repository.candidates_query(merchant, where, before=None, limit=51))
        assert source == projection
        # Its own granules: the share of the events it holds, plus one granule per part at most.
        assert selected <= total * share + 2 * 4, (where, selected, total)
    rows = repository.page(client, merchant, one_customer, before=None, limit=50)
    assert len(rows) == 50 and {row.customer_id for row in rows} == {CUSTOMER.format(7)}
    assert [row.sent_at for row in rows] == sorted((row.sent_at for row in rows), reverse=True)


def test_a_page_over_a_time_range_reads_the_time_projection(seeded: tuple[Client, uuid.UUID]) -> None:
    client, merchant = seeded
    start = dt.datetime(2025, 2, 10, tzinfo=dt.UTC)
    where = EventFilter(sent_from=start, sent_to=start + dt.timedelta(hours=6))  # 3,600 of the events
    source, selected, total = plan(client, *repository.candidates_query(merchant, where, before=None, limit=51))
    assert source == "events_by_time"
    assert selected <= 4 * 2 + 1, (selected, total)
    source, _, _ = plan(client, *repository.candidates_query(merchant, EventFilter(), before=None, limit=51))
    assert source == "events_by_time"  # newest first: read in reverse order, stopped at the page


def test_an_event_by_id_reads_the_granules_of_that_id(seeded: tuple[Client, uuid.UUID]) -> None:
    client, merchant = seeded
    params = {"merchant": merchant, "event_id": "e-4242"}
    source, selected, total = plan(client, repository.FIND, params, repository.FIND_SETTINGS)
    assert source == "events"
    assert selected <= 4, (selected, total)  # one per part at most
    found = repository.find(client, merchant, "e-4242")
    assert found is not None and found.customer_id == CUSTOMER.format(242)


def test_a_page_shows_each_event_once_as_its_first_stored_copy(databases: Databases) -> None:
    """Later copies of an id (a resend stamped anew, an id reused in another month) are neither
    listed again nor listed under what only they say: every page, under any filter, holds the
    first stored copy, at its own place (D33)."""
    client, merchant = create_client(databases.clickhouse_url), uuid.uuid4()
    customers = [uuid.UUID(CUSTOMER.format(i)) for i in range(2)]
    start = dt.datetime(2025, 2, 27, tzinfo=dt.UTC)

    def store(rows: list[tuple[str, int, int]]) -> None:  # (id, customer, hours after start): one insert
        client.insert(
            "events",
            [
                [merchant, event_id, customers[c], uuid.UUID(SKU.format(0)), 1, start + dt.timedelta(hours=h)]
                for event_id, c, h in rows
            ],
            column_names=["merchant_id", "event_id", "customer_id", "sku_id", "amount", "sent_at"],
        )

    store([(f"e{i}", 0, i) for i in range(30)])  # e0 .. e29, one an hour from 27 February
    store([(f"e{i}", 1, 100 + i) for i in range(0, 30, 3)])  # e0, e3 ... again, in March, for customer 1
    seen = []
    before = None
    while True:
        rows = repository.page(client, merchant, EventFilter(), before=before, limit=4)
        seen.extend(rows)
        if len(rows) < 4:
            break
        before = (dt.datetime.fromisoformat(rows[-1].sent_at), rows[-1].event_id)
    assert [row.event_id for row in seen] == [f"e{i}" for i in reversed(range(30))]
    assert {row.customer_id for row in seen} == {str(customers[0])}
    assert repository.page(client, merchant, EventFilter(customer_id=customers[1]), before=None, limit=50) == []
    march = EventFilter(sent_from=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))  # only later copies were sent then
    assert repository.page(client, merchant, march, before=None, limit=50) == []
    february_28 = EventFilter(sent_from=dt.datetime(2025, 2, 28, tzinfo=dt.UTC))
    assert [row.event_id for row in repository.page(client, merchant, february_28, before=None, limit=50)] == [
        f"e{i}" for i in reversed(range(24, 30))
    ]
    # By id, too: the first stored copy (February's, customer 0), not March's later one.
    found = repository.find(client, merchant, "e3")
    assert found is not None
    assert (found.customer_id, found.sent_at) == (str(customers[0]), "2025-02-27T03:00:00.000000Z")
    client.close()
