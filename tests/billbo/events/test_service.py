"""The events service on its own: a request body becomes rows to store, or the 4xx that explains it."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest

from billbo.clickhouse.client import LazyClient
from billbo.errors import MalformedJson, NotFound, Unprocessable
from billbo.events import native, service
from billbo.events.validation import EVENT_ID_RULE
from billbo.migrations.runner import Databases
from billbo.settings import Settings

NOW = dt.datetime(2026, 11, 24, 21, 5, tzinfo=dt.UTC)
MERCHANT = uuid.UUID(int=7)
SETTINGS = Settings(env="development", ingest_max_events=3, ingest_max_future_seconds=60)


def body(*events: dict[str, Any]) -> bytes:
    return json.dumps({"events": list(events)}).encode()


def event(**overrides: Any) -> dict[str, Any]:
    ids = {"customer_id": str(uuid.UUID(int=1)), "sku_id": str(uuid.UUID(int=2))}
    return {**ids, "amount": 1.5, "sent_at": NOW.isoformat(), **overrides}


def prepare(raw: bytes) -> service.Prepared:
    return service.prepare(raw, MERCHANT, dt.timedelta(days=35), SETTINGS, NOW)


def test_a_valid_body_becomes_one_fragment_with_ids_in_request_order() -> None:
    prepared = prepare(body(event(event_id="a"), event(), event(event_id="c")))
    assert prepared.fragment.rows == 3
    first, assigned, last = prepared.event_ids
    assert (first, last) == ("a", "c")
    assert uuid.UUID(assigned).version == 7
    merchant, ingested_at = prepared.fragment.columns[0], prepared.fragment.columns[-1]
    assert merchant == native.uuid_bytes(MERCHANT) * 3
    assert ingested_at == native.micros(NOW).to_bytes(8, "little") * 3


def test_the_window_comes_from_the_backdating_window_and_the_settings() -> None:
    window = service.window_for(dt.timedelta(days=2), SETTINGS, NOW)
    assert (window.earliest, window.latest) == (NOW - dt.timedelta(days=2), NOW + dt.timedelta(seconds=60))
    prepare(body(event(sent_at=(NOW + dt.timedelta(seconds=60)).isoformat())))  # the edge is inside
    with pytest.raises(service.Refused):
        prepare(body(event(sent_at=(NOW + dt.timedelta(seconds=61)).isoformat())))


def test_every_problem_of_a_refused_body_is_listed() -> None:
    with pytest.raises(service.Refused) as refused:
        prepare(body(event(amount="NaN"), event(event_id="x"), event(event_id="x", colour="red")))
    assert refused.value.status_code == 422
    assert [(p.index, p.field) for p in refused.value.problems] == [(0, "amount"), (2, "colour"), (2, "event_id")]
    assert refused.value.details == [p.as_dict() for p in refused.value.problems]
    with pytest.raises(service.Refused, match="1 problem"):
        prepare(body(event(), event(), event(), event()))  # more than ingest_max_events


def test_a_body_that_is_not_json_is_malformed() -> None:
    with pytest.raises(MalformedJson):
        prepare(b'{"amount": 1')
    with pytest.raises(MalformedJson):
        prepare(b'{"event_id": "\xff"}')


def test_find_sent_checks_the_event_id_rule_before_reading() -> None:
    unreachable = LazyClient("http://127.0.0.1:9")  # never asked: the rule refuses first
    with pytest.raises(Unprocessable) as refused:
        service.find_sent(unreachable, MERCHANT, "bad\x00id")
    assert refused.value.details == [{"field": "event_id", "message": f"event_id must be {EVENT_ID_RULE}"}]


def test_find_sent_and_find_say_404_for_an_unknown_event(databases: Databases) -> None:
    lazy = LazyClient(databases.clickhouse_url)
    with pytest.raises(NotFound):
        service.find_sent(lazy, MERCHANT, "never-sent")
    with pytest.raises(NotFound):
        service.find(lazy, MERCHANT, "never-sent")
