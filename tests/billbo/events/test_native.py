"""The hand-built Native blocks read back in ClickHouse exactly as meant."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from clickhouse_connect.driver.client import Client

from billbo.events import native, repository
from billbo.events.schemas import SentEvent


def test_blocks_round_trip_through_clickhouse(ch: Client) -> None:
    merchant = uuid.uuid4()
    events = [
        SentEvent(
            uuid.uuid4(),
            uuid.uuid4(),
            Decimal("-1.5"),
            dt.datetime(2026, 11, 24, 23, 0, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        ),
        SentEvent(uuid.uuid4(), uuid.uuid4(), Decimal("1E-12"), dt.datetime(2026, 11, 1, tzinfo=dt.UTC)),
    ]
    ingested = dt.datetime(2026, 11, 24, 21, 0, tzinfo=dt.UTC)
    ids = ["é" * 100, "plain"]  # multi-byte, and a length over one varint byte
    first = native.encode(merchant, events, ids, [-1_500_000_000_000, 1], ingested)
    second = native.encode(merchant, events[:1], ["third"], [7], ingested)
    repository.insert_block(ch, native.block([first, second]))
    rows = ch.query(
        "SELECT event_id, customer_id, sku_id, amount, sent_at, ingested_at FROM events "
        "WHERE merchant_id = {m:UUID} ORDER BY event_id",
        parameters={"m": merchant},
    ).result_rows
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("plain", events[1].customer_id, events[1].sku_id, Decimal("1E-12")),
        ("third", events[0].customer_id, events[0].sku_id, Decimal("7E-12")),
        ("é" * 100, events[0].customer_id, events[0].sku_id, Decimal("-1.5")),
    ]
    assert rows[2][4].replace(tzinfo=dt.UTC) == dt.datetime(2026, 11, 24, 21, 0, 0, 1, tzinfo=dt.UTC)
    assert {r[5].replace(tzinfo=dt.UTC) for r in rows} == {ingested}


def test_varint() -> None:
    assert [native.varint(v) for v in (0, 1, 127, 128, 300)] == [b"\x00", b"\x01", b"\x7f", b"\x80\x01", b"\xac\x02"]
