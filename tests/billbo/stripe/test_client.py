"""billbo.stripe.client against the fake Stripe over real HTTP: no mocks."""

from __future__ import annotations

import logging
import socket
import traceback

import pytest
from pydantic import SecretStr

from billbo.settings import Settings
from billbo.stripe import client as client_module
from billbo.stripe.client import StripeGateway
from billbo.stripe.errors import StripeFailure, StripeKeyRejected, StripeRejected, StripeUnavailable
from billbo.stripe.schemas import StripeCustomer, StripeInvoice
from tests.billbo.stripe.conftest import GatewayFactory
from tests.stripe_fake.process import FakeStripe


def _customer(gateway: StripeGateway, key: str = "customer-1") -> StripeCustomer:
    return gateway.create_customer(
        name="Ada Lovelace",
        email="ada@example.test",
        metadata={"billbo_customer_id": key},
        idempotency_key=f"cus-{key}",
    )


def _draft(gateway: StripeGateway, customer_id: str, key: str = "invoice-1") -> StripeInvoice:
    return gateway.create_draft_invoice(
        customer_id=customer_id,
        currency="USD",
        collection_method="send_invoice",
        days_until_due=30,
        metadata={"billbo_invoice_id": key},
        idempotency_key=f"draft-{key}",
    )


def test_the_account_of_a_key_is_retrieved(gateway: StripeGateway) -> None:
    account = gateway.retrieve_account()
    assert account.id.startswith("acct_")
    assert account.default_currency == "USD" and account.charges_enabled
    assert account.display_name and account.display_name.startswith("Fake account")


def test_a_settings_built_gateway_uses_the_configured_api_base(fake_stripe: FakeStripe, api_key: str) -> None:
    settings = Settings(stripe_api_base=fake_stripe.url + "/", stripe_max_network_retries=0)
    assert StripeGateway.from_settings(settings, SecretStr(api_key)).retrieve_account().id.startswith("acct_")
    assert [entry["path"] for entry in fake_stripe.requests()] == ["/v1/account"]


def test_customer_draft_items_finalise_and_send(make_gateway: GatewayFactory, fake_stripe: FakeStripe) -> None:
    gateway = make_gateway()
    customer = _customer(gateway)
    assert customer.metadata == {"billbo_customer_id": "customer-1"} and customer.email == "ada@example.test"
    draft = _draft(gateway, customer.id)
    assert (draft.status, draft.collection_method, draft.currency, draft.total, draft.number) == (
        "draft", "send_invoice", "USD", 0, None,
    )  # fmt: skip
    assert draft.metadata == {"billbo_invoice_id": "invoice-1"}
    for line_id, amount in (("line-1", 1234), ("line-2", -200)):
        item = gateway.create_invoice_item(
            customer_id=customer.id,
            invoice_id=draft.id,
            amount=amount,
            currency="USD",
            description=f"API calls ({line_id})",
            metadata={"billbo_line_id": line_id},
            idempotency_key=f"item-{line_id}",
        )
        assert (item.invoice, item.amount, item.currency) == (draft.id, amount, "USD")
    lines = gateway.list_invoice_lines(draft.id)
    assert [(line.amount, line.metadata["billbo_line_id"]) for line in lines] == [(1234, "line-1"), (-200, "line-2")]
    assert lines[-1].invoice_item == item.id

    final = gateway.finalize_invoice(draft.id, idempotency_key="finalize-invoice-1")
    assert final.status == "open" and final.number and final.hosted_invoice_url and final.invoice_pdf
    assert (final.total, final.amount_due) == (1034, 1034)
    sent = gateway.send_invoice(draft.id, idempotency_key="send-invoice-1")
    assert (sent.status, sent.number) == ("open", final.number)
    assert gateway.retrieve_invoice(draft.id) == sent
    posted = [entry for entry in fake_stripe.requests() if entry["method"] == "POST"]
    assert all(entry["idempotency_key"] for entry in posted)  # every write carries the caller's key
    with make_gateway() as another:
        assert another.retrieve_invoice(draft.id).status == "open"


def test_every_line_is_listed_across_pages(
    gateway: StripeGateway, monkeypatch: pytest.MonkeyPatch, fake_stripe: FakeStripe
) -> None:
    monkeypatch.setattr(client_module, "LINES_PAGE_SIZE", 2)
    customer = _customer(gateway)
    draft = _draft(gateway, customer.id)
    for n in range(5):
        gateway.create_invoice_item(
            customer_id=customer.id, invoice_id=draft.id, amount=100 + n, currency="USD", description=f"line {n}",
            metadata={"billbo_line_id": f"line-{n}"}, idempotency_key=f"item-{n}",
        )  # fmt: skip
    assert [line.metadata["billbo_line_id"] for line in gateway.list_invoice_lines(draft.id)] == [
        f"line-{n}" for n in range(5)
    ]
    assert len(fake_stripe.requests(f"/v1/invoices/{draft.id}/lines")) == 3


def test_the_same_idempotency_key_replays_the_first_answer_and_creates_one_object(
    gateway: StripeGateway, fake_stripe: FakeStripe
) -> None:
    first = _customer(gateway)
    second = _customer(gateway)
    assert first == second
    log = fake_stripe.requests("/v1/customers")
    assert [(entry["status"], entry["replayed"]) for entry in log] == [(200, False), (200, True)]
    with pytest.raises(StripeRejected) as reused:
        gateway.create_customer(name="Someone Else", email=None, metadata={}, idempotency_key="cus-customer-1")
    assert reused.value.kind == "idempotency_error" and "same parameters" in reused.value.message
    assert not reused.value.retryable


def test_an_idempotency_key_is_forgotten_after_24_hours(gateway: StripeGateway, fake_stripe: FakeStripe) -> None:
    first = _customer(gateway)
    fake_stripe.advance_clock(hours=25)
    assert _customer(gateway).id != first.id  # Stripe pruned the key: a second customer


def test_a_lost_answer_is_retried_with_the_same_key_and_reaches_the_same_object(
    gateway: StripeGateway, fake_stripe: FakeStripe
) -> None:
    customer = _customer(gateway)
    draft = _draft(gateway, customer.id)
    fake_stripe.fault(drop=True, stage="after", method="POST", path="^/v1/invoiceitems$")
    item = gateway.create_invoice_item(
        customer_id=customer.id, invoice_id=draft.id, amount=500, currency="USD", description="API calls",
        metadata={"billbo_line_id": "line-1"}, idempotency_key="item-line-1",
    )  # fmt: skip
    log = fake_stripe.requests("/v1/invoiceitems")
    assert [(entry["status"], entry["replayed"], entry["fault"]) for entry in log] == [
        (None, False, "drop after"), (200, True, None),
    ]  # fmt: skip
    assert [line.metadata for line in gateway.list_invoice_lines(draft.id)] == [{"billbo_line_id": "line-1"}]
    assert item.invoice == draft.id


def test_a_dropped_connection_is_retried(gateway: StripeGateway, fake_stripe: FakeStripe) -> None:
    fake_stripe.fault(drop=True, path="^/v1/customers$")
    _customer(gateway)
    assert [entry["fault"] for entry in fake_stripe.requests("/v1/customers")] == ["drop before", None]


def test_429_then_success_is_retried_transparently(gateway: StripeGateway, fake_stripe: FakeStripe) -> None:
    fake_stripe.fault(status=429, path="^/v1/customers$")  # no Stripe-Should-Retry: the SDK alone would give up
    customer = _customer(gateway)
    log = fake_stripe.requests("/v1/customers")
    assert [entry["status"] for entry in log] == [429, 200]
    assert log[0]["idempotency_key"] == log[1]["idempotency_key"] == "cus-customer-1"
    assert customer.id.startswith("cus_")


def test_429_is_not_retried_when_stripe_says_not_to(gateway: StripeGateway, fake_stripe: FakeStripe) -> None:
    fake_stripe.fault(status=429, should_retry=False, path="^/v1/customers$")
    with pytest.raises(StripeUnavailable) as limited:
        _customer(gateway)
    assert (limited.value.kind, limited.value.code, limited.value.http_status) == ("rate_limit", "rate_limit", 429)
    assert limited.value.retryable and limited.value.should_retry is False
    assert len(fake_stripe.requests("/v1/customers")) == 1


def test_500_with_stripe_should_retry_false_is_not_retried(gateway: StripeGateway, fake_stripe: FakeStripe) -> None:
    fake_stripe.fault(status=500, should_retry=False, path="^/v1/customers$")
    with pytest.raises(StripeUnavailable) as failed:
        _customer(gateway)
    assert (failed.value.kind, failed.value.http_status, failed.value.should_retry) == ("api_error", 500, False)
    assert failed.value.request_id and failed.value.request_id.startswith("req_")
    assert "Something went wrong" in str(failed.value)
    assert len(fake_stripe.requests("/v1/customers")) == 1


def test_5xx_is_retried_until_the_retries_are_spent(make_gateway: GatewayFactory, fake_stripe: FakeStripe) -> None:
    gateway = make_gateway(max_network_retries=2)
    fake_stripe.fault(status=503, path="^/v1/customers$", times=3)
    with pytest.raises(StripeUnavailable) as failed:
        _customer(gateway)
    assert failed.value.http_status == 503
    assert [entry["status"] for entry in fake_stripe.requests("/v1/customers")] == [503, 503, 503]


def test_a_server_that_is_not_there_is_a_retryable_connection_error(api_key: str) -> None:
    with socket.socket() as taken:  # a port nobody listens on
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
    gateway = StripeGateway(SecretStr(api_key), api_base=f"http://127.0.0.1:{port}", max_network_retries=0)
    with pytest.raises(StripeUnavailable) as unreachable:
        gateway.retrieve_account()
    assert unreachable.value.kind == "connection_error" and unreachable.value.http_status is None
    assert unreachable.value.retryable


def test_a_permanent_error_carries_stripes_message_and_code(gateway: StripeGateway) -> None:
    customer = _customer(gateway)
    draft = _draft(gateway, customer.id)
    gateway.finalize_invoice(draft.id, idempotency_key="finalize-1")
    with pytest.raises(StripeRejected) as refused:
        gateway.create_invoice_item(
            customer_id=customer.id, invoice_id=draft.id, amount=1, currency="USD", description="late",
            metadata={"billbo_line_id": "line-9"}, idempotency_key="item-line-9",
        )  # fmt: skip
    error = refused.value
    assert (error.kind, error.code, error.http_status, error.param) == (
        "invalid_request_error", "invoice_not_editable", 400, "invoice",
    )  # fmt: skip
    assert "no longer editable" in error.message and "invoice_not_editable" in str(error)
    with pytest.raises(StripeRejected) as missing:
        gateway.retrieve_invoice("in_doesnotexist")
    assert (missing.value.code, missing.value.http_status) == ("resource_missing", 404)
    assert "No such invoice: 'in_doesnotexist'" in missing.value.message


def test_a_refused_key_never_shows_in_errors_or_logs(
    make_gateway: GatewayFactory, fake_stripe: FakeStripe, api_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    gateway = make_gateway(max_network_retries=1)
    _customer(gateway)  # a working key first: requests and responses logged at DEBUG
    fake_stripe.fault(status=500, path="^/v1/customers$", times=2)
    failures: list[StripeFailure] = []
    with pytest.raises(StripeUnavailable) as unavailable:
        _customer(gateway, "customer-2")
    failures.append(unavailable.value)
    fake_stripe.revoke(api_key)
    with pytest.raises(StripeKeyRejected) as rejected:
        gateway.retrieve_account()
    failures.append(rejected.value)
    assert rejected.value.kind == "authentication_error" and rejected.value.http_status == 401
    assert rejected.value.message.startswith("Invalid API Key provided: sk_test_")  # masked by Stripe
    assert api_key[-4:] in rejected.value.message
    for failure in failures:
        shown = [str(failure), repr(failure), "".join(traceback.format_exception(failure)), str(failure.__dict__)]
        assert not any(api_key in text for text in shown)
        assert (failure.__cause__ is None and failure.__context__ is None) or api_key not in repr(failure.__context__)
    assert api_key not in caplog.text
    assert "Request to Stripe api" in caplog.text  # the SDK did log: the check above saw its lines
    assert api_key not in repr(gateway)


def test_an_invalid_key_is_refused_as_stripe_does(make_gateway: GatewayFactory) -> None:
    with pytest.raises(StripeKeyRejected) as rejected:
        make_gateway(key="not-a-stripe-key").retrieve_account()
    assert rejected.value.code == "invalid_api_key" and "not-a-stripe-key" not in str(rejected.value)


def test_callers_mistakes_are_refused_before_any_request(gateway: StripeGateway, fake_stripe: FakeStripe) -> None:
    with pytest.raises(ValueError, match="idempotency key"):
        gateway.create_customer(name=None, email=None, metadata={}, idempotency_key="")
    with pytest.raises(ValueError, match="idempotency key"):
        gateway.create_customer(name=None, email=None, metadata={}, idempotency_key="k" * 256)
    with pytest.raises(ValueError, match="control"):
        gateway.create_customer(name=None, email=None, metadata={}, idempotency_key="a\nb")
    with pytest.raises(ValueError, match="days_until_due"):
        gateway.create_draft_invoice(
            customer_id="cus_x", currency="USD", collection_method="send_invoice", days_until_due=None,
            metadata={}, idempotency_key="d",
        )  # fmt: skip
    with pytest.raises(TypeError, match="minor units"):
        gateway.create_invoice_item(
            customer_id="cus_x", invoice_id="in_x", amount=12.5, currency="USD", description="x",  # type: ignore[arg-type]
            metadata={}, idempotency_key="i",
        )  # fmt: skip
    assert fake_stripe.requests() == []
