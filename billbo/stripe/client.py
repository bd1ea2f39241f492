"""The one place BillBo talks to Stripe: one merchant's account, through the official SDK.

Every mutating call takes an explicit idempotency key, derived by the caller from BillBo's own ids
(an invoice id, a line id), so a retry hours later, from another process, still reaches the object
the first attempt created instead of making a second one. Stripe may forget a key once it is 24
hours old, so callers also look before they create (``list_invoice_lines`` finds a line by its
``billbo_line_id`` metadata).

Retries: the SDK retries connection errors, 409 and 5xx with exponential backoff and jitter (0.5 s
doubling to at most 5 s, each wait between half and all of that), reusing the idempotency key, and
obeys ``Stripe-Should-Retry`` either way. It deliberately does not retry 429 (stripe-python's
``HTTPClient._should_retry``); BillBo's export is a batch job for which a rate limit is exactly a
reason to wait, so :class:`_HttpClient` also retries a 429 unless Stripe says
``Stripe-Should-Retry: false``. Whatever is still failing after ``max_network_retries`` is raised
as a :mod:`billbo.stripe.errors` error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import stripe
from pydantic import SecretStr

from billbo.logs import MASK, scrub
from billbo.settings import Settings
from billbo.stripe.errors import Kind, StripeFailure, StripeKeyRejected, StripeRejected, StripeUnavailable
from billbo.stripe.schemas import (
    CollectionMethod,
    StripeAccount,
    StripeCustomer,
    StripeInvoice,
    StripeInvoiceItem,
    StripeInvoiceLine,
)

T = TypeVar("T")

MAX_IDEMPOTENCY_KEY_LENGTH = 255  # Stripe's limit
LINES_PAGE_SIZE = 100  # Stripe's largest page


class _HttpClient(stripe.RequestsClient):
    """The SDK's requests-based client, also retrying 429 unless Stripe says not to."""

    def _should_retry(
        self,
        response: tuple[Any, int, Mapping[str, str] | None] | None,
        api_connection_error: stripe.APIConnectionError | None,
        num_retries: int,
        max_network_retries: int | None,
    ) -> bool:
        if response is not None and num_retries < (max_network_retries or 0):
            _, status, headers = response
            if status == 429 and (headers or {}).get("stripe-should-retry") != "false":
                return True
        return bool(super()._should_retry(response, api_connection_error, num_retries, max_network_retries))

    def close(self) -> None:
        super().close()  # type: ignore[no-untyped-call]  # the SDK leaves it unannotated


class StripeGateway:
    """One merchant's Stripe account, as the few calls BillBo's export makes."""

    __slots__ = ("_api_key", "_http", "_sdk")

    def __init__(
        self,
        api_key: SecretStr,
        *,
        api_base: str = "https://api.stripe.com",
        max_network_retries: int = 3,
        timeout_seconds: float = 60.0,
    ) -> None:
        self._api_key = api_key
        self._http = _HttpClient(timeout=timeout_seconds)
        self._sdk = stripe.StripeClient(
            api_key.get_secret_value(),
            base_addresses={"api": api_base.rstrip("/")},
            max_network_retries=max_network_retries,
            http_client=self._http,
        )

    @classmethod
    def from_settings(cls, settings: Settings, api_key: SecretStr) -> StripeGateway:
        return cls(
            api_key,
            api_base=settings.stripe_api_base,
            max_network_retries=settings.stripe_max_network_retries,
            timeout_seconds=settings.stripe_timeout_seconds,
        )

    def __repr__(self) -> str:
        return "StripeGateway(<api key hidden>)"

    def close(self) -> None:
        """Close this thread's pooled connections (a gateway used from many threads has one pool each)."""
        self._http.close()

    def __enter__(self) -> StripeGateway:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # Reads

    def retrieve_account(self) -> StripeAccount:
        """The account the key belongs to: the check that a merchant's key works."""
        account = self._call(self._sdk.v1.accounts.retrieve_current)
        values = account.to_dict()
        dashboard = (values.get("settings") or {}).get("dashboard") or {}
        return StripeAccount.model_validate({**values, "display_name": dashboard.get("display_name")})

    def retrieve_invoice(self, invoice_id: str) -> StripeInvoice:
        invoice = self._call(lambda: self._sdk.v1.invoices.retrieve(invoice_id))
        return StripeInvoice.model_validate(invoice.to_dict())

    def list_invoice_lines(self, invoice_id: str) -> list[StripeInvoiceLine]:
        """Every line of the invoice, all pages, with its metadata (``billbo_line_id``)."""

        def every_line() -> list[StripeInvoiceLine]:
            page = self._sdk.v1.invoices.line_items.list(invoice_id, {"limit": LINES_PAGE_SIZE})
            return [StripeInvoiceLine.model_validate(line.to_dict()) for line in page.auto_paging_iter()]

        return self._call(every_line)

    def list_invoices(self, customer_id: str) -> list[StripeInvoice]:
        """Every invoice of the customer, drafts included, newest first, all pages: how a resumed
        export finds a draft it made more than 24 hours ago (``metadata.billbo_invoice_id``)."""

        def every_invoice() -> list[StripeInvoice]:
            page = self._sdk.v1.invoices.list({"customer": customer_id, "limit": LINES_PAGE_SIZE})
            return [StripeInvoice.model_validate(invoice.to_dict()) for invoice in page.auto_paging_iter()]

        return self._call(every_invoice)

    # Writes: each with the caller's idempotency key

    def create_customer(
        self,
        *,
        name: str | None,
        email: str | None,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> StripeCustomer:
        params: stripe.params.CustomerCreateParams = {"metadata": dict(metadata)}
        if name is not None:
            params["name"] = name
        if email is not None:
            params["email"] = email
        options = _writing(idempotency_key)
        customer = self._call(lambda: self._sdk.v1.customers.create(params, options))
        return StripeCustomer.model_validate(customer.to_dict())

    def create_draft_invoice(
        self,
        *,
        customer_id: str,
        currency: str,
        collection_method: CollectionMethod,
        days_until_due: int | None,
        metadata: Mapping[str, str],
        idempotency_key: str,
        description: str | None = None,
    ) -> StripeInvoice:
        """A one-off draft for ``customer_id`` holding none of its pending invoice items, which
        Stripe will not advance by itself (BillBo finalises and sends it)."""
        if collection_method == "send_invoice" and days_until_due is None:
            raise ValueError("send_invoice needs days_until_due")
        params: stripe.params.InvoiceCreateParams = {
            "customer": customer_id,
            "currency": currency.lower(),
            "collection_method": collection_method,
            "pending_invoice_items_behavior": "exclude",
            "auto_advance": False,
            "metadata": dict(metadata),
        }
        if days_until_due is not None:
            params["days_until_due"] = days_until_due
        if description is not None:
            params["description"] = description
        options = _writing(idempotency_key)
        invoice = self._call(lambda: self._sdk.v1.invoices.create(params, options))
        return StripeInvoice.model_validate(invoice.to_dict())

    def create_invoice_item(
        self,
        *,
        customer_id: str,
        invoice_id: str,
        amount: int,
        currency: str,
        description: str,
        metadata: Mapping[str, str],
        idempotency_key: str,
    ) -> StripeInvoiceItem:
        """One line on the draft ``invoice_id``; ``amount`` in the currency's minor unit (may be
        negative: a credit)."""
        if type(amount) is not int:  # a bool, a float or a Decimal here is a caller's bug
            raise TypeError(f"amount must be an int in minor units, not {type(amount).__name__}")
        params: stripe.params.InvoiceItemCreateParams = {
            "customer": customer_id,
            "invoice": invoice_id,
            "amount": amount,
            "currency": currency.lower(),
            "description": description,
            "metadata": dict(metadata),
        }
        options = _writing(idempotency_key)
        item = self._call(lambda: self._sdk.v1.invoice_items.create(params, options))
        return StripeInvoiceItem.model_validate(item.to_dict())

    def finalize_invoice(
        self, invoice_id: str, *, idempotency_key: str, auto_advance: bool | None = None
    ) -> StripeInvoice:
        """The draft made final: numbered, open (or paid when nothing is due), no longer editable.
        ``auto_advance=True`` lets Stripe collect it (charge the customer's payment method and retry)."""
        params: stripe.params.InvoiceFinalizeInvoiceParams = {}
        if auto_advance is not None:
            params["auto_advance"] = auto_advance
        options = _writing(idempotency_key)
        invoice = self._call(lambda: self._sdk.v1.invoices.finalize_invoice(invoice_id, params, options))
        return StripeInvoice.model_validate(invoice.to_dict())

    def send_invoice(self, invoice_id: str, *, idempotency_key: str) -> StripeInvoice:
        """Stripe e-mails the invoice to the customer (``send_invoice`` collection only)."""
        options = _writing(idempotency_key)
        invoice = self._call(lambda: self._sdk.v1.invoices.send_invoice(invoice_id, options=options))
        return StripeInvoice.model_validate(invoice.to_dict())

    # Errors

    def _call(self, request: Callable[[], T]) -> T:
        try:
            return request()
        except stripe.StripeError as error:
            raise failure(error, self._api_key) from None  # the SDK's error knows its request: not chained


def _writing(idempotency_key: str) -> stripe.RequestOptions:
    if not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH or not idempotency_key.isascii():
        raise ValueError(f"an idempotency key is 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} ASCII characters")
    if not idempotency_key.isprintable():
        raise ValueError("an idempotency key has no control characters")
    return {"idempotency_key": idempotency_key}


def failure(error: stripe.StripeError, api_key: SecretStr) -> StripeFailure:
    """The BillBo error for an SDK error, with Stripe's message and code and never the key."""
    message = error.user_message or type(error).__name__
    if key := api_key.get_secret_value():
        message = message.replace(key, MASK)
    headers = {name.lower(): value for name, value in (error.headers or {}).items()}
    should_retry = {"true": True, "false": False}.get(headers.get("stripe-should-retry", "").lower())
    body = error.json_body.get("error") if isinstance(error.json_body, dict) else None
    sent = body if isinstance(body, dict) else {}  # the SDK drops the code of some errors (429): read it here
    details: dict[str, Any] = {
        "code": error.code or sent.get("code"),
        "http_status": error.http_status,
        "request_id": error.request_id,
        "param": getattr(error, "param", None) or sent.get("param"),
        "should_retry": should_retry,
    }
    kind, cls = _classify(error)
    return cls(scrub(message), kind=kind, **details)


# The SDK's error classes, in the order they are tried (API errors without a class of their own last).
_KINDS: tuple[tuple[type[stripe.StripeError], Kind, type[StripeFailure]], ...] = (
    (stripe.RateLimitError, "rate_limit", StripeUnavailable),
    (stripe.APIConnectionError, "connection_error", StripeUnavailable),
    (stripe.AuthenticationError, "authentication_error", StripeKeyRejected),
    (stripe.PermissionError, "permission_error", StripeKeyRejected),
    (stripe.IdempotencyError, "idempotency_error", StripeRejected),
    (stripe.CardError, "card_error", StripeRejected),
    (stripe.InvalidRequestError, "invalid_request_error", StripeRejected),
)


def _classify(error: stripe.StripeError) -> tuple[Kind, type[StripeFailure]]:
    for sdk_class, kind, cls in _KINDS:
        if isinstance(error, sdk_class):
            return kind, cls
    status = error.http_status
    if status is None or status >= 500 or status in (409, 429):
        return "api_error", StripeUnavailable  # also a body that is not Stripe's JSON (a proxy's 502)
    return "api_error", StripeRejected
