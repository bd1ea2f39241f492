"""The few Stripe objects BillBo reads, as typed models (extra fields are ignored).

Currencies are upper-case ISO 4217 codes here, as everywhere in BillBo (Stripe writes lower case);
amounts are integers in the currency's minor unit, as Stripe sends them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

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

    id: str
    type: str
    created: int
    livemode: bool = False
    api_version: str | None = None
    data_object: dict[str, object]
    account: str | None = None
