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


def test_refusals_are_counted_by_the_field_of_each_problem(ingest: TestClient, merchant: MerchantKey) -> None:
    """Known fields are their own reason, any other field is unknown_field (a client cannot mint
    label values), a body that is not UTF-8 JSON is malformed_json once."""
    names = ("amount", "sent_at", "body", "unknown_field", "malformed_json")
    before = ingest.get("/metrics").text
    bad = [event(amount="NaN"), event(amount="0.0000000000001"), event(sent_at="yesterday"), event(colour="red")]
    post(ingest, merchant, {"events": bad})
    post(ingest, merchant, [1, 2])  # not an event object: one problem of the body
    post(ingest, merchant, b'{"amount": 1')  # not JSON
    after = ingest.get("/metrics").text
    counted = {}
    for name in names:
        metric = f'billbo_ingest_events_rejected_total{{reason="{name}"}}'
        counted[name] = _value(after, metric) - _value(before, metric)
    assert counted == {"amount": 2, "sent_at": 1, "body": 1, "unknown_field": 1, "malformed_json": 1}
