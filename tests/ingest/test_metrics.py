from __future__ import annotations

from fastapi.testclient import TestClient

from tests.ingest.conftest import MerchantKey
from tests.ingest.events.test_post_events import event, post


def _value(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_accepted_and_rejected_events(ingest: TestClient, merchant: MerchantKey) -> None:
    before = ingest.get("/metrics").text
    post(ingest, merchant, {"events": [event(), event()]})
    post(ingest, merchant, {"events": [event(amount="NaN")]})
    after = ingest.get("/metrics").text
    assert (
        _value(after, "billbo_ingest_events_accepted_total") - _value(before, "billbo_ingest_events_accepted_total")
        == 2
    )
    reason = 'billbo_ingest_events_rejected_total{reason="amount"}'
    assert _value(after, reason) - _value(before, reason) == 1
    assert "billbo_ingest_insert_seconds_bucket" in after
    assert "billbo_ingest_batch_rows_count" in after
    assert "billbo_ingest_request_events_sum" in after
