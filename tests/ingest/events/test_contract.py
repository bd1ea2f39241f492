"""The OpenAPI contract of POST /v1/events agrees with the server: limits from the app's Settings,
the same rules as the validation, every status the route sends, examples that are accepted."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from decimal import Decimal
from typing import Any

import jsonschema_rs
import pytest
from clickhouse_connect.driver.client import Client
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from billbo.events.validation import DECIMAL_STRING_PATTERN, EVENT_ID_PATTERN, amount_of, duration, valid_event_id
from billbo.settings import Settings
from ingest.app import create_app
from ingest.events.router import event_schema, router_for
from tests.ingest.conftest import MerchantKey
from tests.ingest.events.test_post_events import CUSTOMER, event, now_iso, post, stored

LIMITS = {"ingest_max_events": 3, "ingest_max_future_seconds": 90, "ingest_max_body_bytes": 4000}


def document(settings: Settings) -> dict[str, Any]:
    app = FastAPI()
    app.include_router(router_for(settings))
    return app.openapi()


def post_operation(doc: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = doc["paths"]["/v1/events"]["post"]
    return operation


def test_the_limits_in_the_schema_are_the_apps_settings(settings: Settings) -> None:
    operation = post_operation(document(settings.model_copy(update=LIMITS)))
    one, batch = operation["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert batch["properties"]["events"]["maxItems"] == 3
    assert "90 seconds ahead" in one["properties"]["sent_at"]["description"]
    assert "up to 3." in operation["description"]
    assert "4,000 bytes" in operation["responses"]["413"]["description"]
    assert operation["responses"]["202"]["content"]["application/json"]["schema"]["properties"]["accepted"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 3,
    }


def test_every_status_the_routes_send_is_documented_with_its_body(settings: Settings) -> None:
    doc = document(settings)
    post_responses = post_operation(doc)["responses"]
    get_responses = doc["paths"]["/v1/events/{event_id}"]["get"]["responses"]
    assert set(post_responses) == {"202", "400", "401", "413", "415", "422", "429", "503"}
    assert set(get_responses) == {"200", "401", "404", "422", "503"}
    for status, response in [*post_responses.items(), *get_responses.items()]:
        schema = response["content"]["application/json"]["schema"]
        if status not in ("200", "202"):
            assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, status
    assert "Retry-After" in post_responses["429"]["headers"]
    assert "Retry-After" in post_responses["503"]["headers"]


def test_the_event_id_rule_is_published_as_enforced(settings: Settings) -> None:
    doc = document(settings)
    published = event_schema(settings)["properties"]["event_id"]
    assert (published["minLength"], published["maxLength"], published["pattern"]) == (1, 128, EVENT_ID_PATTERN)
    (parameter,) = doc["paths"]["/v1/events/{event_id}"]["get"]["parameters"]
    assert (parameter["schema"]["maxLength"], parameter["schema"]["pattern"]) == (128, EVENT_ID_PATTERN)


@given(st.text(max_size=140))
def test_valid_event_id_is_the_rule(text: str) -> None:
    by_category = 1 <= len(text) <= 128 and not any(unicodedata.category(c) in ("Cc", "Cs") for c in text)
    assert valid_event_id(text) == by_category
    if not any(unicodedata.category(c) == "Cs" for c in text):  # the published pattern leaves surrogates out
        assert valid_event_id(text) == (1 <= len(text) <= 128 and re.fullmatch(EVENT_ID_PATTERN, text) is not None)


@given(st.from_regex(DECIMAL_STRING_PATTERN, fullmatch=True))
def test_every_decimal_string_the_schema_allows_is_an_exact_amount(text: str) -> None:
    assert amount_of(json.dumps(text).encode()) == Decimal(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (300, "300 seconds (5 minutes)"),
        (90, "90 seconds"),
        (1, "1 second"),
        (3600, "3600 seconds (1 hour)"),
        (86400, "86400 seconds (1 day)"),
        (60, "60 seconds (1 minute)"),
    ],
)
def test_durations_read_as_counted(seconds: int, text: str) -> None:
    assert duration(dt.timedelta(seconds=seconds)) == text


def test_the_future_limit_in_messages_is_the_setting(settings: Settings, merchant: MerchantKey, ch: Client) -> None:
    soon = now_iso(dt.timedelta(minutes=3))
    with TestClient(create_app(settings.model_copy(update=LIMITS))) as client:
        response = post(client, merchant, event(sent_at=soon))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["message"] == "sent_at is more than 90 seconds in the future"
    assert stored(ch, merchant) == []


def test_the_default_future_limit_reads_in_minutes(ingest: TestClient, merchant: MerchantKey) -> None:
    response = post(ingest, merchant, event(sent_at=now_iso(dt.timedelta(hours=1))))
    assert "more than 300 seconds (5 minutes) in the future" in response.json()["error"]["details"][0]["message"]


def test_every_example_is_accepted_as_sent(ingest: TestClient, merchant: MerchantKey, ch: Client) -> None:
    examples = post_operation(ingest.get("/openapi.json").json())["requestBody"]["content"]["application/json"]
    for name, example in examples["examples"].items():
        response = post(ingest, merchant, example["value"])
        assert response.status_code == 202, (name, response.text)
    assert [row[0] for row in stored(ch, merchant)] == ["req-7f3a-0001", "req-7f3a-0002"]


# Values on both sides of each published rule; the schema's verdict must be the server's.
SAMPLES: list[tuple[str, Any]] = [
    ("event_id", "req-1"),
    ("event_id", ""),
    ("event_id", "x" * 128),
    ("event_id", "x" * 129),
    ("event_id", "😀" * 128),
    ("event_id", "a\x00b"),
    ("event_id", "tab\t"),
    ("event_id", "c1\x85"),
    ("event_id", "\xa0"),
    ("event_id", None),
    ("event_id", 7),
    ("amount", 1.5),
    ("amount", 0.3),
    ("amount", 1e-12),
    ("amount", 1e-13),
    ("amount", 10**25),
    ("amount", 10**26),
    ("amount", -(10**26) + 1),
    ("amount", "-2.5"),
    ("amount", "+1"),
    ("amount", "1e3"),
    ("amount", " 1"),
    ("amount", "0.000000000001"),
    ("amount", "0.0000000000001"),
    ("amount", "9" * 27),
    ("amount", True),
    ("customer_id", "not-a-uuid"),
    ("customer_id", CUSTOMER.upper()),
    ("sku_id", None),
    ("sent_at", "2026-12-01T00:00:00"),
    ("sent_at", "yesterday"),
]


@pytest.mark.parametrize(("field", "value"), SAMPLES)
def test_the_schema_and_the_server_agree(
    ingest: TestClient, merchant: MerchantKey, settings: Settings, field: str, value: Any
) -> None:
    validator = jsonschema_rs.validator_for(event_schema(settings), validate_formats=True)
    body = event(**{field: value}, **({"event_id": f"agree-{field}"} if field != "event_id" else {}))
    response = post(ingest, merchant, body)
    assert response.status_code in (202, 422), response.text
    assert (response.status_code == 202) == validator.is_valid(body), response.text
