"""The few Stripe objects BillBo reads, as typed models (extra fields are ignored).

Currencies are upper-case ISO 4217 codes here, as everywhere in BillBo (Stripe writes lower case);
amounts are integers in the currency's minor unit, as Stripe sends them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

InvoiceStatus = Literal["draft", "open", "paid", "uncollectible", "void"]
CollectionMethod = Literal["charge_automatically", "send_invoice"]
Currency = Annotated[str, AfterValidator(str.upper)]


class _StripeModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class StripeAccount(_StripeModel):
    id: str
    email: str | None = None
    country: str | None = None
    default_currency: Currency | None = None
    charges_enabled: bool | None = None
    display_name: str | None = None  # settings.dashboard.display_name: what the merchant calls it


class StripeCustomer(_StripeModel):
    id: str
    email: str | None = None
    name: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)


class StripeInvoice(_StripeModel):
    id: str
    customer: str
    status: InvoiceStatus
    collection_method: CollectionMethod
    currency: Currency
    total: int
    amount_due: int
    amount_paid: int = 0
    number: str | None = None
    hosted_invoice_url: str | None = None
    invoice_pdf: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)


class StripeInvoiceItem(_StripeModel):
    id: str
    customer: str
    invoice: str | None
    amount: int
    currency: Currency
    description: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)


class StripeInvoiceLine(_StripeModel):
    id: str
    amount: int
    currency: Currency
    description: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    invoice_item: str | None = None  # the invoice item this line shows, if it shows one

    @model_validator(mode="before")
    @classmethod
    def _invoice_item_from_parent(cls, values: Any) -> Any:
        """Since API version 2025-03-31 the item is ``parent.invoice_item_details.invoice_item``."""
        if isinstance(values, dict) and values.get("invoice_item") is None:
            details = (values.get("parent") or {}).get("invoice_item_details") or {}
            return {**values, "invoice_item": details.get("invoice_item")}
        return values


class WebhookEvent(_StripeModel):
    """A verified webhook event: its id (the deduplication key), type and the object it is about."""

    id: str = Field(min_length=1, max_length=255)
    type: str
    created: int = Field(ge=0, lt=253402300800)  # Unix seconds before the year 10000
    livemode: bool = False
    api_version: str | None = None
    data_object: dict[str, object]
    account: str | None = None


class InvoiceStatusTransitions(_StripeModel):
    finalized_at: int | None = Field(None, ge=0, lt=253402300800)
    paid_at: int | None = Field(None, ge=0, lt=253402300800)


class WebhookInvoice(_StripeModel):
    """What an ``invoice.*`` event's object tells BillBo: which invoice, and what the export may
    not have recorded yet (its number, page and the times it was finalised and paid)."""

    object: Literal["invoice"]
    id: str = Field(min_length=1, max_length=255)
    number: str | None = None
    hosted_invoice_url: str | None = None
    status_transitions: InvoiceStatusTransitions = Field(default_factory=InvoiceStatusTransitions)


# The states of an invoice's export (the ``invoice_export_state`` enum of migration 20).
ExportState = Literal["pending", "exported", "paid", "payment_failed", "void", "uncollectible", "failed", "skipped"]
WebhookOutcome = Literal["applied", "already_processed", "superseded", "unknown_invoice", "not_handled"]


class WebhookReceipt(BaseModel):
    """The answer to Stripe (shown in its dashboard's delivery log): the event and what BillBo did."""

    event_id: str
    outcome: WebhookOutcome = Field(
        description="applied: the invoice's export state moved; already_processed: this event was handled "
        "before (a redelivery); superseded: a later or final state is already recorded, nothing changed; "
        "unknown_invoice: no invoice BillBo exported has this Stripe id; not_handled: an event type BillBo "
        "does not act on."
    )
    state: ExportState | None = Field(None, description="The invoice's export state after this event, if it has one.")


# The merchant's connection, as the dashboard API takes and shows it.

SECRET_KEY_PATTERN = r"^(sk|rk)_(test|live)_[A-Za-z0-9]{8,247}$"  # noqa: S105 (a pattern, not a secret)
WEBHOOK_SECRET_PATTERN = r"^whsec_[A-Za-z0-9+/=]{8,250}$"  # noqa: S105


class StripeConnectionIn(BaseModel):
    """The merchant's Stripe secret key (or restricted key) and its webhook signing secret. Both
    are checked, sealed and never shown again."""

    model_config = ConfigDict(extra="forbid")

    secret_key: SecretStr = Field(
        description="A secret key (sk_live_..., sk_test_...) or restricted key (rk_...) of the Stripe account.",
        json_schema_extra={"pattern": SECRET_KEY_PATTERN, "writeOnly": True},
    )
    webhook_secret: SecretStr = Field(
        description="The signing secret (whsec_...) of the webhook endpoint registered in Stripe.",
        json_schema_extra={"pattern": WEBHOOK_SECRET_PATTERN, "writeOnly": True},
    )

    @field_validator("secret_key")
    @classmethod
    def _secret_key_shape(cls, value: SecretStr) -> SecretStr:
        if not re.fullmatch(SECRET_KEY_PATTERN, value.get_secret_value()):
            raise ValueError("must be a Stripe secret key (sk_live_..., sk_test_...) or restricted key (rk_...)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret_shape(cls, value: SecretStr) -> SecretStr:
        if not re.fullmatch(WEBHOOK_SECRET_PATTERN, value.get_secret_value()):
            raise ValueError("must be a Stripe webhook signing secret (whsec_...)")
        return value


class StripeConnection(BaseModel):
    """What BillBo shows of a connection: never a secret, only the key's last four characters."""

    connected: bool
    account_id: str | None = None
    key_last4: str | None = None
    livemode: bool | None = None
    connected_at: dt.datetime | None = None
    webhook_url: str = Field(description="Register this URL in Stripe for invoice.* events.")


# The export of a finalised invoice, as the dashboard shows it.


class StripeExportError(BaseModel):
    code: str | None = Field(description="Stripe's error code (or BillBo's, e.g. amount_not_representable).")
    message: str


class StripeExportStatus(BaseModel):
    """Where a finalised invoice is in Stripe: ``pending`` (on its way; ``error`` is the last
    problem met, retried by the next run), ``exported`` (finalised in Stripe; then ``paid``,
    ``payment_failed``, ``void`` or ``uncollectible`` as Stripe reports), ``failed`` (Stripe refused
    it: fix the cause, then retry), ``skipped`` (an invoice of 0, not sent by the merchant's
    settings)."""

    state: ExportState
    stripe_invoice_id: str | None
    number: str | None = Field(description="Stripe's number of the invoice.")
    hosted_invoice_url: str | None
    error: StripeExportError | None
    attempts: int
    updated_at: dt.datetime
