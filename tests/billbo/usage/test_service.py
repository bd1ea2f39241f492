"""Days of usage loaded into Postgres and reconciled with ClickHouse, and the days late events
touch: the usage service and repository on their own, against the real databases."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import psycopg
from clickhouse_connect.driver.client import Client

from billbo.events import native
from billbo.events import repository as events
from billbo.events.repository import EventFilter
from billbo.events.schemas import SentEvent
from billbo.migrations.runner import Databases
from billbo.usage import repository, service

DAY = dt.date(2025, 6, 17)  # days no other test loads
NEXT = DAY + dt.timedelta(days=1)


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def store(ch: Client, merchant: uuid.UUID, rows: list[tuple[str, str, dt.datetime]]) -> None:
    sent = [SentEvent(uuid.UUID(int=1), uuid.UUID(int=2), Decimal(amount), at) for _, amount, at in rows]
    scaled = [int(Decimal(amount) * 10**12) for _, amount, _ in rows]
    fragment = native.encode(merchant, sent, [event_id for event_id, *_ in rows], scaled, dt.datetime.now(dt.UTC))
    events.insert_block(ch, native.block([fragment]))


def test_days_are_replaced_exactly_and_reconcile(databases: Databases, ch: Client) -> None:
    merchant = uuid.uuid4()
    noon = dt.datetime(DAY.year, DAY.month, DAY.day, 12, tzinfo=dt.UTC)
    store(ch, merchant, [("a", "1.5", noon), ("b", "-0.5", noon), ("c", "2", noon + dt.timedelta(days=1))])
    store(ch, merchant, [("a", "99", noon)])  # a retry: the first copy counts
    with psycopg.connect(databases.postgres_url) as conn:
        daily = service.load_days(ch, conn, DAY, NEXT + dt.timedelta(days=1))
        again = service.load_days(ch, conn, DAY, NEXT + dt.timedelta(days=1))
        rows = conn.execute(
            "select day, quantity, event_count from usage_daily where merchant_id = %s order by day", [merchant]
        ).fetchall()
        loads = conn.execute("select rows, events from usage_loads where day = %s", [DAY]).fetchone()
    assert daily.mismatched_days == again.mismatched_days == []
    assert daily.clickhouse == daily.postgres
    assert (daily.load.start, daily.load.end) == (DAY, NEXT + dt.timedelta(days=1))
    assert rows == [(DAY, Decimal(1), 2), (NEXT, Decimal(2), 1)]  # reloading replaced, never added
    assert loads is not None and loads[1] >= 2


def test_days_that_differ_are_named() -> None:
    one, two = (1, Decimal(1)), (2, Decimal(1))
    assert service.mismatched_days({DAY: one, NEXT: one}, {DAY: one, NEXT: two}) == [NEXT.isoformat()]
    assert service.mismatched_days({DAY: one}, {}) == [DAY.isoformat()]
    assert service.mismatched_days({}, {}) == []


def test_days_with_new_events_since_a_time(ch: Client) -> None:
    since = dt.datetime.now(dt.UTC)
    assert repository.days_with_new_events(ch, since) == ([], since)
    at = dt.datetime(DAY.year, DAY.month, DAY.day, 8, tzinfo=dt.UTC)
    store(ch, uuid.uuid4(), [("late-a", "1", at), ("late-b", "1", at + dt.timedelta(days=1))])
    days, newest = repository.days_with_new_events(ch, since)
    assert days == [DAY.isoformat(), NEXT.isoformat()]
    assert newest > since
    assert repository.days_with_new_events(ch, newest) == ([], newest)


def test_a_day_reloaded_alone_counts_an_event_resent_on_another_day_once(databases: Databases, ch: Client) -> None:
    """The first copy on one day, a resend stamped the next: loading each day on its own (as late
    events make the sensor do) counts the event on the first copy's day only, merged or not."""
    merchant, day = uuid.uuid4(), dt.date(2025, 6, 24)
    first_at = dt.datetime(day.year, day.month, day.day, 20, tzinfo=dt.UTC)
    store(ch, merchant, [("resent", "3", first_at)])
    store(ch, merchant, [("resent", "5", first_at + dt.timedelta(hours=6))])  # the next day
    with psycopg.connect(databases.postgres_url) as conn:
        service.load_days(ch, conn, day + dt.timedelta(days=1), day + dt.timedelta(days=2))
        service.load_days(ch, conn, day, day + dt.timedelta(days=1))
        rows = conn.execute(
            "select day, quantity, event_count from usage_daily where merchant_id = %s order by day", [merchant]
        ).fetchall()
    assert rows == [(day, Decimal(3), 1)]


def test_an_event_id_reused_in_another_month_counts_once_on_every_path(databases: Databases, ch: Client) -> None:
    """D4 across months (D33): an id first sent on 31 July, then reused (or resent stamped anew) on
    2 August and stored later. Only the first copy counts: in the daily loads (each day alone, as
    the late-events sensor reloads them, or whole months, as ``billbo rate`` does), their
    reconciliation, and the live reads, before the load (raw events) and after it (pre-aggregated
    days and their tail), whatever the merge state."""
    merchant = uuid.uuid4()
    july, august = dt.date(2025, 7, 31), dt.date(2025, 8, 2)
    store(ch, merchant, [("reused", "3", dt.datetime(2025, 7, 31, 23, tzinfo=dt.UTC)), ("july", "1", midnight(july))])
    store(ch, merchant, [("reused", "5", midnight(august)), ("august", "2", midnight(august))])
    months = EventFilter(sent_from=midnight(dt.date(2025, 7, 1)), sent_to=midnight(dt.date(2025, 9, 1)))
    only_august = EventFilter(sent_from=midnight(dt.date(2025, 8, 1)), sent_to=midnight(dt.date(2025, 9, 1)))
    by_day = [(july, Decimal(4), 2), (august, Decimal(2), 1)]

    def live(where: EventFilter) -> list[tuple[object, ...]]:
        return [
            (day, Decimal(quantity), count) for day, quantity, count in repository.usage(ch, merchant, where, ["day"])
        ]

    def loaded(conn: psycopg.Connection[tuple[object, ...]]) -> list[tuple[object, ...]]:
        return conn.execute(
            "select day, sum(quantity), sum(event_count)::int from usage_daily where merchant_id = %s "
            "group by day order by day",
            [merchant],
        ).fetchall()

    assert live(months) == by_day  # never loaded: the raw events, whole months
    assert live(only_august) == [(august, Decimal(2), 1)]
    with psycopg.connect(databases.postgres_url) as conn:
        for day in (august, july):  # each day alone
            assert service.load_days(ch, conn, day, day + dt.timedelta(days=1)).mismatched_days == []
        assert loaded(conn) == by_day
        whole = service.load_days(ch, conn, dt.date(2025, 7, 1), dt.date(2025, 9, 1))
        assert whole.mismatched_days == []
        assert loaded(conn) == by_day
    assert live(months) == live(EventFilter(sent_from=midnight(july), sent_to=midnight(august + dt.timedelta(days=1))))
    assert live(months) == by_day  # pre-aggregated days
    # A third copy, stored after the load: in the tail, and not counted either.
    store(ch, merchant, [("reused", "7", midnight(august) + dt.timedelta(hours=1))])
    assert live(months) == by_day
    ch.command("OPTIMIZE TABLE events PARTITION 202508 FINAL")
    assert live(months) == by_day
    assert live(only_august) == [(august, Decimal(2), 1)]
