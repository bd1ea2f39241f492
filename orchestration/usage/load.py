"""Move one day of deduplicated usage from ClickHouse to Postgres, replacing that day atomically."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import polars as pl
import psycopg
from clickhouse_connect.driver.client import Client

# Deduplicated with FINAL (one partition per month); quantity stays an exact Decimal(38, 12).
AGGREGATE = """
SELECT toString(merchant_id) AS merchant_id, toString(customer_id) AS customer_id, toString(sku_id) AS sku_id,
       toDate(sent_at) AS day, sum(amount) AS quantity, count() AS event_count,
       groupBitXor(cityHash64(event_id)) AS event_checksum, max(ingested_at) AS max_ingested_at
FROM events FINAL
WHERE sent_at >= {day_start:DateTime64(6, 'UTC')} AND sent_at < {day_end:DateTime64(6, 'UTC')}
GROUP BY merchant_id, customer_id, sku_id, day
"""
COLUMNS = ["merchant_id", "customer_id", "sku_id", "day", "quantity", "event_count", "event_checksum"]


@dataclass(frozen=True)
class DayLoad:
    day: dt.date
    rows: int
    events: int
    quantity: str
    max_ingested_at: dt.datetime | None


def read_day(client: Client, day: dt.date) -> pl.DataFrame:
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    table = client.query_arrow(
        AGGREGATE, parameters={"day_start": start, "day_end": start + dt.timedelta(days=1)}, settings={
            "do_not_merge_across_partitions_select_final": 1}
    )  # fmt: skip
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def replace_day(conn: psycopg.Connection[Any], day: dt.date, frame: pl.DataFrame) -> DayLoad:
    """Delete the day and COPY its rows in, in one transaction: readers see the old day or the new."""
    events = int(frame["event_count"].sum()) if frame.height else 0
    quantity = str(frame["quantity"].sum()) if frame.height else "0"
    max_ingested = frame["max_ingested_at"].max() if frame.height else None
    buffer = io.BytesIO()
    frame.select(COLUMNS).write_csv(buffer, include_header=False)
    with conn.transaction():
        conn.execute("delete from usage_daily where day = %s", [day])
        with conn.cursor().copy(f"copy usage_daily ({', '.join(COLUMNS)}) from stdin with (format csv)") as copy:
            copy.write(buffer.getvalue())
        conn.execute(
            "insert into usage_loads (day, loaded_at, max_ingested_at, rows, events) values (%s, now(), %s, %s, %s) "
            "on conflict (day) do update set loaded_at = now(), max_ingested_at = excluded.max_ingested_at, "
            "rows = excluded.rows, events = excluded.events",
            [day, max_ingested, frame.height, events],
        )
    return DayLoad(day, frame.height, events, quantity, max_ingested)  # type: ignore[arg-type]


def clickhouse_day_totals(client: Client, day: dt.date) -> tuple[int, str]:
    """Events and total quantity ClickHouse holds for a day, deduplicated: for reconciliation."""
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    row = client.query(
        "SELECT count(), toString(sum(amount)) FROM events FINAL WHERE sent_at >= {s:DateTime64(6, 'UTC')} "
        "AND sent_at < {e:DateTime64(6, 'UTC')}",
        parameters={"s": start, "e": start + dt.timedelta(days=1)},
    ).result_rows[0]
    return int(row[0]), str(row[1])


def postgres_day_totals(conn: psycopg.Connection[Any], day: dt.date) -> tuple[int, str]:
    row = conn.execute(
        "select coalesce(sum(event_count), 0), coalesce(sum(quantity), 0)::text from usage_daily where day = %s", [day]
    ).fetchone()
    assert row is not None
    return int(row[0]), str(row[1])
