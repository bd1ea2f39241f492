"""What can go wrong talking to Stripe, in two kinds: try again later, or do not.

* :class:`StripeUnavailable`: rate limits, Stripe's 5xx, 409 conflicts (a concurrent request on the
  same object or idempotency key) and connection errors, raised only once the SDK's own retries are
  spent. The same call with the same idempotency key may succeed later.
* :class:`StripeRejected`: Stripe refused the request as it is (invalid request, card declined,
  idempotency key reused with other parameters). Retrying the same call will fail the same way.
  :class:`StripeKeyRejected` (authentication or permission) means the merchant's key is wrong,
  revoked or restricted: nothing for that merchant will work until the key is replaced.

Every error carries Stripe's message, code, HTTP status and request id, never the API key: messages
are scrubbed of the key and of anything shaped like a Stripe key, and the SDK's exception (whose
request it belonged to) is not chained.
"""

from __future__ import annotations

from typing import ClassVar, Literal

Kind = Literal[
    "rate_limit",
    "api_error",
    "connection_error",
    "invalid_request_error",
    "card_error",
    "idempotency_error",
    "authentication_error",
    "permission_error",
]


class StripeFailure(Exception):
    """A Stripe call that did not succeed."""

    retryable: ClassVar[bool]

    def __init__(
        self,
        message: str,
        *,
        kind: Kind,
        code: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
        param: str | None = None,
        should_retry: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind: Kind = kind
        self.code = code
        self.http_status = http_status
        self.request_id = request_id
        self.param = param
        self.should_retry = should_retry  # Stripe's Stripe-Should-Retry header, when it sent one

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"HTTP {self.http_status}" if self.http_status is not None else "",
                f"code {self.code}" if self.code else "",
                f"param {self.param}" if self.param else "",
                f"request {self.request_id}" if self.request_id else "",
            )
            if part
        )
        return f"Stripe {self.kind}: {self.message}" + (f" ({where})" if where else "")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(kind={self.kind!r}, message={self.message!r}, code={self.code!r}, "
            f"http_status={self.http_status!r}, request_id={self.request_id!r})"
        )


class StripeUnavailable(StripeFailure):
    """Stripe could not answer now; the same call (same idempotency key) may succeed later."""

    retryable = True


class StripeRejected(StripeFailure):
    """Stripe refused this request; sending it again will not change the answer."""

    retryable = False


class StripeKeyRejected(StripeRejected):
    """The merchant's API key was refused (invalid, revoked, or not allowed to do this)."""
