"""Authorization: Bearer bb_... on every ingest route."""

from __future__ import annotations

import time

import psycopg
import pytest
from fastapi.testclient import TestClient

from billbo.api_keys import repository as api_keys
from billbo.migrations.runner import Databases
from tests.ingest.conftest import MerchantKey
from tests.ingest.events.test_post_events import event, post


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Missing Authorization header"),
        ("Basic dXNlcjpwYXNz", "Malformed Authorization header"),
        ("Bearer", "Malformed Authorization header"),
        ("Bearer sk_live_123", "Malformed Authorization header"),
        ("Bearer bb_" + "x" * 40, "Unknown API key"),
    ],
)
def test_requests_without_a_valid_key_are_401(ingest: TestClient, header: str | None, message: str) -> None:
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["Authorization"] = header
    for response in (
        ingest.post("/v1/events", json=event(), headers=headers),
        ingest.get("/v1/events/anything", headers=headers),
        ingest.put("/v1/customers/0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6a", json={}, headers=headers),
    ):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        assert message in response.json()["error"]["message"]


def test_a_revoked_key_stops_within_a_second(ingest: TestClient, merchant: MerchantKey, databases: Databases) -> None:
    assert post(ingest, merchant, event()).status_code == 202  # the key is now cached
    with psycopg.connect(databases.postgres_url) as conn:
        assert api_keys.revoke(conn, merchant_id=merchant.merchant_id, key_id=merchant.key_id)
    revoked_at = time.monotonic()
    while True:
        response = post(ingest, merchant, event())
        if response.status_code == 401:
            break
        assert response.status_code == 202
        time.sleep(0.02)
    assert time.monotonic() - revoked_at < 1.0
    assert "revoked" in response.json()["error"]["message"]


def test_the_key_is_never_logged(ingest: TestClient, merchant: MerchantKey, capsys: pytest.CaptureFixture[str]) -> None:
    post(ingest, merchant, event())
    post(ingest, merchant, b"{broken")
    captured = capsys.readouterr()
    assert merchant.key not in captured.out + captured.err


def test_use_is_recorded_on_the_key(ingest: TestClient, merchant: MerchantKey, databases: Databases) -> None:
    post(ingest, merchant, event())
    with psycopg.connect(databases.postgres_url) as conn:
        row = conn.execute("select last_used_at from api_keys where id = %s", [merchant.key_id]).fetchone()
    assert row is not None
    assert row[0] is not None


def test_rate_limit_answers_429_with_retry_after(settings: object, merchant: MerchantKey) -> None:
    from ingest.app import create_app

    limited = settings.model_copy(update={"ingest_rate_per_second": 1.0, "ingest_rate_burst": 2})  # type: ignore[attr-defined]
    with TestClient(create_app(limited)) as client:
        codes = [post(client, merchant, event()).status_code for _ in range(3)]
        assert codes == [202, 202, 429]
        response = post(client, merchant, event())
    assert response.status_code == 429
    assert float(response.headers["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "rate_limited"
