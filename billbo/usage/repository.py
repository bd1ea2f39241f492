"""SQL of usage, ClickHouse and Postgres: live usage from ClickHouse; days of deduplicated usage
moved from ClickHouse to Postgres (those days replaced atomically), their reconciliation totals,
and the days that received late events."""

from __future__ import annotations

import datetime as dt
import io
import threading
import uuid
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
import psycopg
from clickhouse_connect.driver.client import Client

from billbo.events.repository import EventFilter, storable_time
from billbo.money import plain

# Each event once (D4, D33): its first stored copy, whatever month that copy was sent in, within
# time ranges, exactly, whatever the merge state. FINAL only deduplicates within the parts it reads,
# and one month is one partition: a time filter skips parts by their sent_at range (a copy stored
# with another sent_at in a part not yet merged would escape it), and copies of an id sent in two
# months never meet. So FINAL serves whole months, minus the ids that have copies in another month
# (when another month holds events at all); those ids, and every range within a month, are
# resolved by event id (the sorting key): the first copy of each id that has a copy in the range,
# over every month, kept when that first copy is in the range.
_DEDUPLICATED_COLUMNS = "merchant_id, event_id, customer_id, sku_id, amount, sent_at, ingested_at"
_WHOLE_MONTHS = f"SELECT {_DEDUPLICATED_COLUMNS} FROM events FINAL WHERE {{scope}} AND ({{ranges}})"
# The ids with a copy in the whole months and copies in more than one month.
_REUSED = """(merchant_id, event_id) IN (
    SELECT merchant_id, event_id FROM events WHERE {scope}
    GROUP BY merchant_id, event_id
    HAVING countIf({ranges}) > 0 AND min(toYYYYMM(sent_at)) != max(toYYYYMM(sent_at)))"""
_FIRST_COPIES = """
SELECT merchant_id, event_id, first.1 AS customer_id, first.2 AS sku_id, first.3 AS amount, first.4 AS sent_at,
       first.5 AS ingested_at
FROM (
    SELECT merchant_id, event_id, argMin((customer_id, sku_id, amount, sent_at, ingested_at), ingested_at) AS first
    FROM events
    WHERE {scope} AND {ids}
    GROUP BY merchant_id, event_id{having}
)
WHERE {counted}"""
# The candidates' ids, found by the sorting key: ClickHouse reads only the granules that can hold
# them (a live read's tail of a few thousand events costs milliseconds, whatever the table holds).
_BY_KEY = "(merchant_id, event_id) IN (SELECT merchant_id, event_id FROM events WHERE {scope} AND ({candidates}))"
# Or by their hash, for loads whose candidates are a whole day or more: those ids are everywhere in
# the key space, so every granule is read anyway, and testing a 64-bit hash against a set of hashes
# is three times faster than a (UUID, string) pair against a set of pairs (1.4M candidates in 11M
# events: 1.4 -> 0.7 s). Every copy of a candidate id has its hash, so each candidate's group is
# whole; ids of another hash collision are dropped by the HAVING (no copy of theirs is a candidate).
_BY_HASH = (
    "cityHash64(merchant_id, event_id) IN "
    "(SELECT cityHash64(merchant_id, event_id) FROM events WHERE {scope} AND ({candidates}))"
)
_BY_HASH_HAVING = "\n    HAVING countIf({candidates}) > 0"
READ_SETTINGS = {
    "do_not_merge_across_partitions_select_final": 1,  # one month is one partition
    # On a cluster: the subqueries by event id read each shard's own events (an event's copies
    # share a shard).
    "distributed_product_mode": "local",
}
Range = tuple[dt.datetime, dt.datetime]


def _ranges_sql(column: str, ranges: Sequence[Range], params: dict[str, Any], prefix: str) -> str:
    clauses, kind = [], "DateTime64(6, 'UTC')"
    for i, (lo, hi) in enumerate(ranges):
        clauses.append(f"({column} >= {{{prefix}lo{i}:{kind}}} AND {column} < {{{prefix}hi{i}:{kind}}})")
        params[f"{prefix}lo{i}"], params[f"{prefix}hi{i}"] = lo, hi
    return " OR ".join(clauses)


def first_copies(scope: str, candidates: Sequence[str], counted: Sequence[str], *, by_hash: bool = False) -> str:
    """The first copy of every event id that has a copy matching one of ``candidates``, kept when it
    matches one of ``counted`` (conditions on first.4, its sent_at, and first.5, its ingested_at).
    ``by_hash``: look the candidates' ids up by hash (for many candidates) rather than by key."""
    ids, having = (_BY_HASH, _BY_HASH_HAVING) if by_hash else (_BY_KEY, "")
    return (
        _FIRST_COPIES.replace("{ids}", ids)
        .replace("{having}", having)
        .replace("{scope}", scope)
        .replace("{candidates}", " OR ".join(f"({c})" for c in candidates))
        .replace("{counted}", " OR ".join(f"({c})" for c in counted))
    )


def deduplicated(
    ranges: Sequence[Range], params: dict[str, Any], scope: str = "1", *, reuse: bool = True, by_hash: bool = False
) -> str:
    """A subquery of each event once (its first stored copy) sent within the ranges. ``reuse``:
    whether events may be stored in more than one month (``several_months``); when not, no id has
    copies in two months and FINAL alone serves whole months. ``by_hash``: see ``first_copies``."""
    months, partial = split_months(ranges)
    parts = []
    if months:
        whole = _ranges_sql("sent_at", months, params, "m")
        final = _WHOLE_MONTHS.replace("{scope}", scope).replace("{ranges}", whole)
        if reuse:
            reused = _REUSED.replace("{scope}", scope).replace("{ranges}", whole)
            final += f" AND NOT {reused}"
            counted = _ranges_sql("first.4", months, params, "m")
            parts.append(first_copies(scope, [f"({whole}) AND {reused}"], [counted], by_hash=by_hash))
        parts.append(final)
    if partial:
        parts.append(
            first_copies(
                scope,
                [_ranges_sql("sent_at", partial, params, "p")],
                [_ranges_sql("first.4", partial, params, "p")],
                by_hash=by_hash,
            )
        )
    return " UNION ALL ".join(parts) if parts else f"SELECT {_DEDUPLICATED_COLUMNS} FROM events WHERE 0"


# The months that hold stored events: answered from the parts' metadata (the partition key's
# minmax and row counts), no column is read.
_STORED_MONTHS = "SELECT toYYYYMM(sent_at) AS month, count() FROM events GROUP BY month"


def several_months(client: Client, ranges: Sequence[Range]) -> bool:
    """Whether the ranges hold whole months and events (of any merchant) are stored in more than
    one month: only then can FINAL over those months meet an id with copies in two months."""
    return bool(split_months(ranges)[0]) and len(client.query(_STORED_MONTHS).result_rows) > 1


def _next_month(moment: dt.datetime) -> dt.datetime:
    return dt.datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1, tzinfo=dt.UTC)


def split_months(ranges: Sequence[Range]) -> tuple[list[Range], list[Range]]:
    """The whole calendar months within the ranges, and the rest."""
    months: list[Range] = []
    partial: list[Range] = []
    for lo, hi in ranges:
        cursor = lo
        while cursor < hi:
            month = dt.datetime(cursor.year, cursor.month, 1, tzinfo=dt.UTC)
            following = _next_month(month)
            piece = (cursor, min(hi, following))
            (months if piece == (month, following) else partial).append(piece)
            cursor = piece[1]
    return _merged(months), _merged(partial)


def _merged(ranges: list[Range]) -> list[Range]:
    out: list[Range] = []
    for lo, hi in ranges:
        if out and out[-1][1] == lo:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


# Live usage, for the dashboard (D31): closed days from the pre-aggregated usage_daily table of
# ClickHouse; the events whose first stored copy came after its day's watermark, or lies in a part
# of the window no load covers, from the raw table (each event once, as above).

GROUPINGS = {"day": "day", "customer": "toString(customer_id)", "sku": "toString(sku_id)"}
# Each branch yields (day, customer_id, sku_id, quantity, events) rows.
# Each closed day's rows of the load its watermark came from: one load writes a day's rows once,
# all under its version, so picking the version replaces FINAL (57 instead of 99 ms for a month of
# 20,000 customer-and-SKU pairs) and pairs the rows with the watermark the tail is counted from.
_CLOSED = """
SELECT day, customer_id, sku_id, quantity, events FROM usage_daily
WHERE merchant_id = {merchant:UUID} AND day IN {closed:Array(Date)} AND row_kind = 'usage'
  AND version = transform(day, {closed:Array(Date)}, {versions:Array(UInt64)}, toUInt64(0))"""
_RAW = "SELECT toDate(sent_at) AS day, customer_id, sku_id, amount AS quantity, toUInt64(1) AS events FROM ({events})"
# A closed day's copies stored after the earliest watermark; counted when after their day's own.
_TAIL_CANDIDATES = "ingested_at > {earliest:DateTime64(6, 'UTC')} AND toDate(sent_at) IN {closed:Array(Date)}"
_TAIL_COUNTED = """toDate(first.4) IN {closed:Array(Date)} AND first.5 > transform(toDate(first.4),
    {closed:Array(Date)}, {watermarks:Array(DateTime64(6, 'UTC'))}, toDateTime64('2299-12-31 23:59:59', 6, 'UTC'))"""
# The newest load of each day: the highest version (FINAL's row, without FINAL's merge: 9 ms
# instead of 32 for a month).
_WATERMARKS = """
SELECT day, max(version) AS newest, max(watermark) FROM usage_daily
WHERE merchant_id = {merchant:UUID} AND day >= {first:Date} AND day < {end:Date} AND row_kind = 'load'
GROUP BY day"""
_MERCHANT = "merchant_id = {merchant:UUID}"


@dataclass(frozen=True)
class LoadMark:
    """A day's newest load: its watermark and the version its rows were written under."""

    watermark: dt.datetime
    version: int


def watermarks(client: Client, merchant_id: uuid.UUID, first: dt.date, end: dt.date) -> dict[dt.date, LoadMark]:
    """The loaded days in [first, end) and each one's newest load (a newer load has a newer
    watermark and a higher version)."""
    rows = client.query(
        _WATERMARKS, parameters={"merchant": merchant_id, "first": first, "end": end}, settings=READ_SETTINGS
    ).result_rows
    return {day: LoadMark(mark.replace(tzinfo=dt.UTC), int(version)) for day, version, mark in sorted(map(tuple, rows))}


Group = tuple[Any, ...]
Sums = dict[Group, tuple[Decimal, int]]


class ClosedDaysCache:
    """The sums of pre-aggregated days, remembered by what makes them: the merchant, the closed
    days and the watermark of each one's load, the customer and SKU filters and the grouping. A
    load writes a day's rows and its watermark in one block and a newer load has a newer
    watermark, so an entry never goes stale: it just stops being asked for. Bounded by the groups
    it holds (least recently used out first); shared by the threads of one process."""

    def __init__(self, max_groups: int) -> None:
        self._max_groups = max_groups
        self._entries: OrderedDict[Hashable, list[Sums]] = OrderedDict()
        self._groups = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> list[Sums] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: list[Sums]) -> None:
        size = sum(map(len, value))
        with self._lock:
            if key in self._entries or size > self._max_groups:
                return
            self._entries[key] = value
            self._groups += size
            while self._groups > self._max_groups:
                _, dropped = self._entries.popitem(last=False)
                self._groups -= sum(map(len, dropped))


def usage(
    client: Client,
    merchant_id: uuid.UUID,
    where: EventFilter,
    group_by: Sequence[str],
    cache: ClosedDaysCache | None = None,
) -> list[tuple[Any, ...]]:
    """Deduplicated quantity and event count per group (a subset of day, customer, sku) over the
    window [where.sent_from, where.sent_to), which must be given."""
    return [
        (*key, plain(quantity), events)
        for key, (quantity, events) in sorted(usage_sums(client, merchant_id, where, [group_by], cache)[0].items())
    ]


def usage_sums(
    client: Client,
    merchant_id: uuid.UUID,
    where: EventFilter,
    groupings: Sequence[Sequence[str]],
    cache: ClosedDaysCache | None = None,
) -> list[Sums]:
    """For each grouping (a subset of day, customer, sku), the deduplicated quantity and event
    count per group over the window of ``where`` (which must be given), in no particular order
    (callers order what they show); one read serves every grouping. The pre-aggregated days' part
    comes from ``cache`` when it has it."""
    assert where.sent_from is not None and where.sent_to is not None
    start, end = storable_time(where.sent_from), storable_time(where.sent_to)
    first_day = start.date() if start.time() == dt.time(0) else start.date() + dt.timedelta(days=1)
    end_day = end.date()
    marks = watermarks(client, merchant_id, first_day, end_day) if first_day < end_day else {}
    closed = sorted(marks)
    params: dict[str, Any] = {"merchant": merchant_id}
    filters = where.dimensions_sql(params)
    live = []
    uncovered = _uncovered(start, end, closed)
    if closed:
        params.update(
            closed=closed,
            watermarks=[marks[day].watermark for day in closed],
            versions=[marks[day].version for day in closed],
            earliest=min(mark.watermark for mark in marks.values()),
        )
        months, partial = split_months(uncovered)
        candidates = [_TAIL_CANDIDATES, *([_ranges_sql("sent_at", partial, params, "p")] if partial else [])]
        counted = [_TAIL_COUNTED, *([_ranges_sql("first.4", partial, params, "p")] if partial else [])]
        # The filters narrow the candidates (a first copy of the customer or SKU is a candidate of
        # it) and then the first copies, never the copies compared to find the first.
        events = first_copies(_MERCHANT, [f"({c}){filters}" for c in candidates], counted)
        live.append(_RAW.replace("{events}", events) + " WHERE 1" + filters)
        if months:
            raw = deduplicated(months, params, _MERCHANT, reuse=several_months(client, months))
            live.append(_RAW.replace("{events}", raw) + " WHERE 1" + filters)
    elif uncovered:
        raw = deduplicated(uncovered, params, _MERCHANT, reuse=several_months(client, uncovered))
        live.append(_RAW.replace("{events}", raw) + " WHERE 1" + filters)
    wanted = list(dict.fromkeys(tuple(g) for g in groupings if g)) or [("day",)]
    sums: list[Sums] = [{} for _ in wanted]
    if closed:
        key = (merchant_id, tuple(closed), tuple(params["watermarks"]), where.customer_id, where.sku_id, tuple(wanted))
        remembered = cache.get(key) if cache is not None else None
        if remembered is None:
            remembered = _sums(client, _CLOSED + filters, params, wanted)
            if cache is not None:
                cache.put(key, remembered)
        sums = [dict(one) for one in remembered] if live else remembered  # the live part adds to a copy
    if live:
        for merged, extra in zip(sums, _sums(client, " UNION ALL ".join(live), params, wanted), strict=True):
            for group, (quantity, count) in extra.items():
                before = merged.get(group)
                merged[group] = (quantity, count) if before is None else (before[0] + quantity, before[1] + count)
    by_grouping = dict(zip(wanted, sums, strict=True))
    return [by_grouping[tuple(g)] if g else _total(by_grouping[wanted[0]]) for g in groupings]


def _total(sums: Sums) -> Sums:
    return {(): (sum((q for q, _ in sums.values()), Decimal(0)), sum(n for _, n in sums.values()))}


def _sums(client: Client, branches: str, params: dict[str, Any], groupings: Sequence[Sequence[str]]) -> list[Sums]:
    """The (day, customer_id, sku_id, quantity, events) rows of ``branches`` summed per group of
    each grouping: one GROUP BY, or GROUPING SETS for several."""
    dims = list(dict.fromkeys(name for grouping in groupings for name in grouping))
    select = ", ".join([*(f"{GROUPINGS[name]} AS {name}" for name in dims), "sum(quantity)", "sum(events)"])
    if len(groupings) == 1:
        query = f"SELECT {select} FROM ({branches}) GROUP BY {', '.join(dims)}"
    else:  # grouping(): a bit per dimension, the first one highest, set when the dimension is not grouped
        sets = ", ".join(f"({', '.join(grouping)})" for grouping in groupings)
        query = (
            f"SELECT {select}, grouping({', '.join(dims)}) AS grouping_set FROM ({branches}) "
            f"GROUP BY GROUPING SETS ({sets})"
        )
    masks = {
        sum(1 << (len(dims) - 1 - i) for i, name in enumerate(dims) if name not in grouping): n
        for n, grouping in enumerate(groupings)
    }
    out: list[Sums] = [{} for _ in groupings]
    # Each grouping's key: its dimensions' places in the row (one loop over up to 20,000 rows, so
    # no per-row dict; profiled at a third of a cold estimate).
    places = [[dims.index(name) for name in grouping] for grouping in groupings]
    several = len(groupings) > 1
    for row in client.query(query, parameters=params, settings=READ_SETTINGS).result_rows:
        n = masks[row[-1]] if several else 0
        quantity, events = (row[-3], row[-2]) if several else (row[-2], row[-1])
        out[n][tuple([row[i] for i in places[n]])] = (to_decimal(quantity), int(events))
    return out


def _uncovered(start: dt.datetime, end: dt.datetime, closed: Sequence[dt.date]) -> list[Range]:
    """[start, end) minus the closed days, as few ranges as possible."""
    ranges: list[Range] = []
    cursor = start
    for day in closed:
        lo = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        if lo > cursor:
            ranges.append((cursor, lo))
        cursor = max(cursor, lo + dt.timedelta(days=1))
    if end > cursor:
        ranges.append((cursor, end))
    return ranges


def to_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


# Days of usage, loaded into Postgres for rating.

# Each event once (deduplicated above); quantity stays an exact Decimal(38, 12). One query for
# the whole range, which also totals each day on its own (ClickHouse's side of the load's
# reconciliation: summed by day, not from the groups, so the groups, their transfer and their copy
# into Postgres are each checked against it).
# Grouped by the UUIDs, turned into text after (grouping by their text cost 0.4 s of 2.3 s at 10M
# events); rows in usage_daily's primary key order, which Postgres' COPY fills fastest.
AGGREGATE = """
SELECT toString(merchant_id) AS merchant_id, toString(customer_id) AS customer_id, toString(sku_id) AS sku_id,
       day, quantity, event_count, event_checksum, max_ingested_at, closed_quantity, closed_events, day_total
FROM (
    SELECT merchant_id, customer_id, sku_id,
           toDate(sent_at) AS day, sum(amount) AS quantity, count() AS event_count,
           groupBitXor(cityHash64(event_id)) AS event_checksum, max(ingested_at) AS max_ingested_at,
           sumIf(amount, ingested_at <= {watermark:DateTime64(6, 'UTC')}) AS closed_quantity,
           countIf(ingested_at <= {watermark:DateTime64(6, 'UTC')}) AS closed_events,
           grouping(merchant_id, customer_id, sku_id) = 7 AS day_total
    FROM ({events})
    GROUP BY GROUPING SETS ((merchant_id, customer_id, sku_id, day), (day))
)
ORDER BY merchant_id, day, customer_id, sku_id
"""
# Days with events stored after the cursor (reads only recent parts, via the ingested_at index).
NEW_SINCE = """
SELECT toString(toDate(sent_at)) AS day, max(ingested_at) AS newest
FROM events
WHERE ingested_at > {since:DateTime64(6, 'UTC')}
GROUP BY day
ORDER BY day
"""
COLUMNS = ["merchant_id", "customer_id", "sku_id", "day", "quantity", "event_count", "event_checksum"]
COPY_SLICE = 50_000  # rows per piece of the COPY (about 8 MB of CSV)
Totals = dict[dt.date, tuple[int, Decimal]]


@dataclass(frozen=True)
class Load:
    start: dt.date
    end: dt.date  # exclusive
    rows: int
    events: int
    quantity: Decimal


def _days_query(client: Client, template: str, start: dt.date, end: dt.date, params: dict[str, Any]) -> str:
    """``template`` over each event sent on the days in [start, end), once."""
    bounds = [
        (
            dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC),
            dt.datetime(end.year, end.month, end.day, tzinfo=dt.UTC),
        )
    ]
    # A load reads whole days: many candidates, looked up by hash.
    events = deduplicated(bounds, params, reuse=several_months(client, bounds), by_hash=True)
    return template.replace("{events}", events)


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days)]


# How long an acknowledged insert may take from its ingested_at stamp (set by the ingest process
# when the request arrives) until ClickHouse shows it, clock skew included. A load at time T counts
# in usage_daily only events ingested at or before T minus this margin: any event it could not see
# was ingested after that, so the live reads' tail finds it (D31).
COMMIT_MARGIN = dt.timedelta(minutes=5)


def server_now(client: Client) -> dt.datetime:
    value: dt.datetime = client.query("SELECT now64(6, 'UTC')").result_rows[0][0]
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def read_days(client: Client, start: dt.date, end: dt.date, watermark: dt.datetime) -> tuple[pl.DataFrame, Totals]:
    """Usage per merchant, customer, SKU and day for the days in [start, end): all of it, and the
    part whose first stored copies were ingested at or before ``watermark`` (closed_*); and the
    events and quantity of each day, totalled on their own."""
    parameters: dict[str, Any] = {"watermark": watermark}
    query = _days_query(client, AGGREGATE, start, end, parameters)
    frame = pl.from_arrow(client.query_arrow(query, parameters=parameters, settings=READ_SETTINGS))
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_columns(pl.col("day_total").cast(pl.Boolean))
    totals = frame.filter(pl.col("day_total"))
    by_day = {
        day: (int(events), to_decimal(quantity))
        for day, events, quantity in totals.select("day", "event_count", "quantity").iter_rows()
    }
    return frame.filter(~pl.col("day_total")).drop("day_total"), by_day


def replace_days(conn: psycopg.Connection[Any], start: dt.date, end: dt.date, frame: pl.DataFrame) -> Load:
    """Delete the days and COPY their rows in, in one transaction: readers see the old days or the
    new ones, never a mix. Each day's load is recorded, empty days included."""
    per_day = (
        frame.group_by("day").agg(pl.len().alias("rows"), pl.col("event_count").sum(), pl.col("max_ingested_at").max())
        if frame.height
        else pl.DataFrame()
    )
    loads = {row["day"]: row for row in per_day.iter_rows(named=True)}
    with conn.transaction():
        conn.execute("delete from usage_daily where day >= %s and day < %s", [start, end])
        with conn.cursor().copy(f"copy usage_daily ({', '.join(COLUMNS)}) from stdin with (format csv)") as copy:
            # In slices: a month's rows are 100 MB of CSV, held once a slice at a time.
            for rows in frame.select(COLUMNS).iter_slices(COPY_SLICE):
                buffer = io.BytesIO()
                rows.write_csv(buffer, include_header=False)
                copy.write(buffer.getbuffer())
        with conn.cursor() as cursor:
            cursor.executemany(
                "insert into usage_loads (day, loaded_at, max_ingested_at, rows, events) "
                "values (%s, now(), %s, %s, %s) on conflict (day) do update set loaded_at = now(), "
                "max_ingested_at = excluded.max_ingested_at, rows = excluded.rows, events = excluded.events",
                [
                    (day, load["max_ingested_at"], load["rows"], load["event_count"])
                    if (load := loads.get(day))
                    else (day, None, 0, 0)
                    for day in days(start, end)
                ],
            )
    events = int(frame["event_count"].sum()) if frame.height else 0
    quantity = Decimal(str(frame["quantity"].sum())) if frame.height else Decimal(0)
    return Load(start, end, frame.height, events, quantity)


def write_closed_days(
    client: Client,
    merchants: Sequence[uuid.UUID],
    start: dt.date,
    end: dt.date,
    frame: pl.DataFrame,
    watermark: dt.datetime,
) -> None:
    """The pre-aggregated usage of the days in [start, end), for ClickHouse's live reads: the usage
    rows and a load row per merchant and day, all under a new version, in one insert of one block
    (one part per month: a day's rows and its load rows become visible together)."""
    version = (watermark - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)  # exact µs
    closed = frame.filter(pl.col("closed_events") > 0) if frame.height else frame
    everyone = sorted({*map(str, merchants), *(closed["merchant_id"].unique().to_list() if closed.height else [])})
    nil = str(uuid.UUID(int=0))  # the load rows' customer and SKU
    usage_rows = (
        closed.select(
            "merchant_id",
            "day",
            "customer_id",
            "sku_id",
            pl.lit("usage").alias("row_kind"),
            pl.col("closed_quantity").cast(pl.Decimal(38, 12)).alias("quantity"),
            pl.col("closed_events").cast(pl.UInt64).alias("events"),
        )
        if closed.height
        else None
    )
    load_rows = (
        pl.DataFrame({"merchant_id": everyone}, schema={"merchant_id": pl.String})
        .join(pl.DataFrame({"day": days(start, end)}, schema={"day": pl.Date}), how="cross")
        .select(
            "merchant_id",
            "day",
            pl.lit(nil).alias("customer_id"),
            pl.lit(nil).alias("sku_id"),
            pl.lit("load").alias("row_kind"),
            pl.lit(Decimal(0)).cast(pl.Decimal(38, 12)).alias("quantity"),
            pl.lit(0).cast(pl.UInt64).alias("events"),
        )
    )
    rows = pl.concat([*([usage_rows] if usage_rows is not None else []), load_rows]).with_columns(
        pl.lit(watermark).cast(pl.Datetime("us", "UTC")).alias("watermark"),
        pl.lit(version).cast(pl.UInt64).alias("version"),
    )
    client.insert_arrow(
        "usage_daily",
        rows.to_arrow(),
        settings={"max_insert_block_size": rows.height + 1, "insert_distributed_sync": 1},
    )


def postgres_totals(conn: psycopg.Connection[Any], start: dt.date, end: dt.date) -> Totals:
    rows = conn.execute(
        "select day, sum(event_count), sum(quantity) from usage_daily where day >= %s and day < %s group by day",
        [start, end],
    ).fetchall()
    return {day: (int(events), Decimal(quantity)) for day, events, quantity in rows}


def days_with_new_events(client: Client, since: dt.datetime) -> tuple[list[str], dt.datetime]:
    """The days (ISO dates) with events stored after ``since``, and the newest such storing time
    (``since`` when there is none)."""
    rows = client.query(NEW_SINCE, parameters={"since": since}).result_rows
    newest = max((row[1].replace(tzinfo=dt.UTC) for row in rows), default=since)
    return [row[0] for row in rows], newest
