"""Payments back from Stripe: its ``invoice.*`` webhooks move the export state of BillBo's invoices.

Stripe delivers each event at least once and in no guaranteed order, retrying for up to three days
until it gets a 2xx. So the receiver:

* trusts nothing it has not verified: the body's ``Stripe-Signature`` under the merchant's own
  signing secret, at most ``TOLERANCE_SECONDS`` old (``billbo.stripe.webhooks``). Every refusal,
  including an unknown merchant or one without a connection, gets the same 400, so the answer does
  not tell which merchants exist or are connected; the log says which it was;
* handles an event once: its id is stored with the change it made, in the same transaction, so a
  replay or a redelivery changes nothing;
* never moves a state backwards (``may_become``): ``paid`` and ``void`` are final, as they are in
  Stripe; ``uncollectible`` may still become ``paid`` or ``void``; ``payment_failed`` (the invoice
  is still open in Stripe) may become anything else; and an event created before the last one
  applied never applies, whatever its type;
* answers 200 to what it does not act on (another event type, an invoice BillBo did not export),
  so Stripe stops retrying it, and logs it: ids and types only, never the payload or a secret.
"""

from __future__ import annotations

import datetime as dt
import uuid

import structlog
from pydantic import ValidationError

from billbo.errors import ServiceUnavailable
from billbo.postgres.connection import Conn
from billbo.secrets_box import UnreadableSecret
from billbo.settings import Settings
from billbo.stripe import repository, service
from billbo.stripe.schemas import ExportState, WebhookEvent, WebhookInvoice, WebhookReceipt
from billbo.stripe.webhooks import TOLERANCE_SECONDS, InvalidWebhook, verify_webhook

log = structlog.stdlib.get_logger("billbo.stripe.payments")

# The largest webhook body read; Stripe's invoice events are a few kilobytes to tens of kilobytes.
MAX_PAYLOAD_BYTES = 256 * 1024

REFUSED = (
    "The webhook is refused: its Stripe-Signature header is missing, malformed or too old, or was not made "
    "with this endpoint's signing secret."
)

# The state each handled event type says the invoice is in.
EVENT_STATES: dict[str, ExportState] = {
    "invoice.paid": "paid",
    "invoice.payment_failed": "payment_failed",
    "invoice.voided": "void",
    "invoice.marked_uncollectible": "uncollectible",
}

_PAYMENT: frozenset[ExportState] = frozenset(EVENT_STATES.values())

# Which state may follow which. Before any payment news (the export's own states) Stripe's word is
# taken whatever it is: the invoice exists in Stripe, since it has a Stripe id. `payment_failed`
# may become `payment_failed` again (a later attempt failed too: only the time moves).
_MAY_BECOME: dict[ExportState, frozenset[ExportState]] = {
    "pending": _PAYMENT,
    "exported": _PAYMENT,
    "failed": _PAYMENT,
    "payment_failed": _PAYMENT,
    "uncollectible": frozenset({"paid", "void"}),
    "paid": frozenset(),
    "void": frozenset(),
    "skipped": frozenset(),  # never sent to Stripe
}


def may_become(current: ExportState, new: ExportState) -> bool:
    """Whether an invoice in ``current`` may move to ``new`` (the events' order aside)."""
    return new in _MAY_BECOME[current]


def applies(current: ExportState, last_event_at: dt.datetime | None, new: ExportState, event_at: dt.datetime) -> bool:
    """Whether an event created at ``event_at`` saying ``new`` moves an invoice in ``current``
    whose last applied event was created at ``last_event_at``. Stripe's ``created`` is in whole
    seconds, so two events of the same second are ordered by the transition rule alone."""
    if last_event_at is not None and event_at < last_event_at:
        return False
    return may_become(current, new)


def receive(
    conn: Conn, settings: Settings, merchant_id: uuid.UUID, payload: bytes, signature_header: str | None
) -> WebhookReceipt:
    """Verify one webhook delivery for ``merchant_id`` and apply it; raises InvalidWebhook (400)."""
    event = _verified(conn, settings, merchant_id, payload, signature_header)
    bound = log.bind(merchant_id=str(merchant_id), event_id=event.id, event_type=event.type)
    new_state = EVENT_STATES.get(event.type)
    if new_state is None:
        bound.info("stripe webhook not handled: event type")
        return WebhookReceipt(event_id=event.id, outcome="not_handled")
    try:
        invoice = WebhookInvoice.model_validate(event.data_object)
    except ValidationError:
        bound.warning("stripe webhook not handled: its object is not an invoice")
        return WebhookReceipt(event_id=event.id, outcome="not_handled")
    bound = bound.bind(stripe_invoice_id=invoice.id)
    export = repository.payment_state_for_update(conn, merchant_id, invoice.id)
    if export is None:  # not recorded, so a later delivery of it (or a resend) may still apply
        bound.info("stripe webhook for an invoice BillBo did not export")
        return WebhookReceipt(event_id=event.id, outcome="unknown_invoice")
    current: ExportState = export.state
    if not repository.record_webhook_event(conn, merchant_id, event.id, event.type):
        bound.info("stripe webhook already processed", state=current)
        return WebhookReceipt(event_id=event.id, outcome="already_processed", state=current)
    event_at = _time(event.created)
    if not applies(current, export.last_event_at, new_state, event_at):
        bound.info("stripe webhook superseded", state=current, event_state=new_state)
        return WebhookReceipt(event_id=event.id, outcome="superseded", state=current)
    paid_at, finalized_at = invoice.status_transitions.paid_at, invoice.status_transitions.finalized_at
    repository.move_payment_state(
        conn,
        export.invoice_id,
        state=new_state,
        event_at=event_at,
        paid_at=(event_at if paid_at is None else _time(paid_at)) if new_state == "paid" else None,
        number=invoice.number,
        hosted_invoice_url=invoice.hosted_invoice_url,
        finalized_at=None if finalized_at is None else _time(finalized_at),
    )
    bound.info("stripe webhook applied", state_before=current, state=new_state)
    return WebhookReceipt(event_id=event.id, outcome="applied", state=new_state)


def _verified(
    conn: Conn, settings: Settings, merchant_id: uuid.UUID, payload: bytes, signature_header: str | None
) -> WebhookEvent:
    """The event if the merchant's signing secret signed it; one refusal for every reason it is not."""
    row = repository.stripe_connection(conn, merchant_id)
    if row is None:
        log.warning("stripe webhook refused: no Stripe connection", merchant_id=str(merchant_id))
        raise InvalidWebhook(REFUSED)
    try:
        secret = service.webhook_secret(settings, row)
    except UnreadableSecret:
        # Not the sender's fault: BILLBO_SECRETS_KEY is not the key that sealed it. Stripe retries.
        log.error("stripe webhook secret cannot be opened", merchant_id=str(merchant_id))
        raise ServiceUnavailable("Webhooks cannot be verified right now; retry later.", retry_after=60) from None
    try:
        return verify_webhook(payload, signature_header, secret.get_secret_value(), tolerance=TOLERANCE_SECONDS)
    except InvalidWebhook as exc:
        log.warning("stripe webhook refused", merchant_id=str(merchant_id), reason=exc.message)
        raise InvalidWebhook(REFUSED) from None


def _time(unix_seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(unix_seconds, dt.UTC)
