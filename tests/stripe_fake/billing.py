"""Invoicing as Stripe documents it, on top of localstripe's objects.

Plain localstripe 1.15.10 answers 404 to a one-off ``POST /v1/invoices`` for a customer without a
subscription ("No upcoming invoices"), 500 to ``auto_advance``, ``collection_method`` or
``currency``, ignores ``invoice=`` on invoice items (the item never reaches the invoice's lines),
has no ``/finalize``, ``/send`` or ``/v1/account``, and refuses ``starting_after`` on an invoice's
lines. Each function below adds one of those, modelled on https://docs.stripe.com/api/invoices.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from aiohttp import web
from localstripe import resources
from localstripe.errors import UserError
from localstripe.resources import (
    Customer,
    Event,
    Invoice,
    InvoiceItem,
    InvoiceLineItem,
    List,
    StripeObject,
    extra_apis,
    store,
    try_convert_to_bool,
    try_convert_to_int,
)

from tests.stripe_fake.control import api_key

COLLECTION_METHODS = ("charge_automatically", "send_invoice")
PENDING_ITEMS_BEHAVIORS = ("exclude", "include")
DAY = 86_400

# Invoice numbers: a prefix per customer and a sequence per prefix, as Stripe numbers by default.
_sequences: dict[str, int] = {}


def reset() -> None:
    _sequences.clear()


def _announce(event_type: str, invoice: Any) -> None:
    resources.schedule_webhook(Event(event_type, invoice))  # looked up now: the server replaces it


def _invalid(message: str, *, param: str | None = None, code: str | None = None, status: int = 400) -> UserError:
    contents: dict[str, str] = {}
    if param is not None:
        contents["param"] = param
    if code is not None:
        contents["code"] = code
    return UserError(status, message, contents)


def _no_such(kind: str, object_id: object, param: str) -> UserError:
    return _invalid(f"No such {kind}: '{object_id}'", param=param, code="resource_missing", status=404)


def _retrieve(cls: Any, kind: str, object_id: object, param: str) -> Any:
    if not isinstance(object_id, str):
        raise _invalid(f"Invalid string: {object_id!r}", param=param)
    try:
        return cls._api_retrieve(object_id)
    except UserError:
        raise _no_such(kind, object_id, param) from None


# Fields Stripe always sends on an invoice, for invoices localstripe made itself (subscriptions).
for _field, _default in {
    "auto_advance": False,
    "days_until_due": None,
    "due_date": None,
    "number": None,
    "hosted_invoice_url": None,
    "invoice_pdf": None,
}.items():
    setattr(Invoice, _field, _default)

_create_from_subscription = Invoice._api_create


def create_invoice(cls: Any, /, **params: Any) -> Any:
    """POST /v1/invoices: a one-off draft when there is no subscription (localstripe's otherwise)."""
    if params.get("subscription") is not None:
        return _create_from_subscription(**params)
    params.pop("subscription", None)
    known = {
        "customer", "pending_invoice_items_behavior", "collection_method", "days_until_due", "auto_advance",
        "currency", "metadata", "description",
    }  # fmt: skip
    for name in params:
        if name not in known:
            raise _invalid(f"Received unknown parameter: {name}", param=name)
    if params.get("customer") is None:
        raise _invalid("Missing required param: customer.", param="customer", code="parameter_missing")
    customer = _retrieve(Customer, "customer", params["customer"], "customer")
    behavior = params.get("pending_invoice_items_behavior", "exclude")
    if behavior not in PENDING_ITEMS_BEHAVIORS:
        raise _invalid(f"Invalid pending_invoice_items_behavior: {behavior!r}", param="pending_invoice_items_behavior")
    method = params.get("collection_method", "charge_automatically")
    if method not in COLLECTION_METHODS:
        raise _invalid(f"Invalid collection_method: {method!r}", param="collection_method")
    days = try_convert_to_int(params.get("days_until_due"))
    if method == "send_invoice" and days is None:
        raise _invalid(
            "Missing required param: days_until_due (or due_date) when collection_method is send_invoice.",
            param="days_until_due", code="parameter_missing",
        )  # fmt: skip
    if method == "charge_automatically" and days is not None:
        raise _invalid("days_until_due can only be set when collection_method is send_invoice.", param="days_until_due")
    if days is not None and (type(days) is not int or days < 0):
        raise _invalid("Invalid integer: days_until_due", param="days_until_due")
    auto_advance = try_convert_to_bool(params.get("auto_advance", False))
    if type(auto_advance) is not bool:
        raise _invalid("Invalid boolean: auto_advance", param="auto_advance")
    currency = params.get("currency", customer.currency)
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        raise _invalid(f"Invalid currency: {currency}", param="currency")
    metadata = params.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise _invalid("Invalid object", param="metadata")

    # simulation=True: localstripe neither claims the pending items nor announces the invoice
    invoice = Invoice(customer=customer.id, metadata=metadata, description=params.get("description"), simulation=True)
    invoice.lines._list = []
    if behavior == "include":
        for item in InvoiceItem._api_list_all(None, customer=customer.id, limit=99)._list:
            if item.currency == currency.lower():
                item.invoice = invoice.id
                invoice.lines._list.append(InvoiceLineItem(item))
    invoice.currency = currency.lower()
    invoice.collection_method = method
    invoice.days_until_due = days
    invoice.due_date = invoice.created + days * DAY if days is not None else None
    invoice.auto_advance = auto_advance
    invoice.billing_reason = "manual"
    invoice.attempted = False
    invoice.attempt_count = 0
    _announce("invoice.created", invoice)
    return invoice


_create_item = InvoiceItem._api_create


def create_invoice_item(cls: Any, /, **params: Any) -> Any:
    """POST /v1/invoiceitems with ``invoice=``: the item becomes a line of that draft at once."""
    invoice_id = params.get("invoice")
    if invoice_id is None:
        return _create_item(**params)
    invoice = _retrieve(Invoice, "invoice", invoice_id, "invoice")
    if invoice.status != "draft":
        raise _invalid(
            f"Invoice {invoice.id} is no longer editable: invoice items can only be added to draft invoices.",
            param="invoice", code="invoice_not_editable",
        )  # fmt: skip
    if params.get("customer") not in (None, invoice.customer):
        raise _invalid("The invoice item's customer must be the invoice's customer.", param="customer")
    params["customer"] = invoice.customer
    if str(params.get("currency", invoice.currency)).lower() != invoice.currency:
        raise _invalid(
            f"The currency of the invoice item ({params.get('currency')}) must match the invoice's ({invoice.currency}).",
            param="currency",
        )  # fmt: skip
    params.setdefault("currency", invoice.currency)
    item = _create_item(**params)
    invoice.lines._list.append(InvoiceLineItem(item))
    return item


def list_lines(id: str, limit: Any = None, starting_after: Any = None, **params: Any) -> Any:
    """GET /v1/invoices/{id}/lines, paginated with ``limit`` and ``starting_after``."""
    if params:
        raise _invalid(f"Received unknown parameter: {next(iter(params))}")
    invoice = _retrieve(Invoice, "invoice", id, "id")
    lines = List(f"/v1/invoices/{id}/lines", limit=limit, starting_after=starting_after)
    lines._list = invoice.lines._list
    return lines


def _finalize(invoice: Any) -> None:
    invoice._finalize()  # status open (or paid when nothing is due), finalized_at, customer email
    prefix = hashlib.sha256(invoice.customer.encode()).hexdigest()[:8].upper()
    _sequences[prefix] = _sequences.get(prefix, 0) + 1
    invoice.number = f"{prefix}-{_sequences[prefix]:04d}"
    token = secrets.token_urlsafe(24)
    invoice.hosted_invoice_url = f"https://invoice.stripe.com/i/acct_fake/test_{token}"
    invoice.invoice_pdf = f"https://pay.stripe.com/invoice/acct_fake/test_{token}/pdf"
    _announce("invoice.finalized", invoice)
    if invoice.status == "paid":
        invoice.status_transitions["paid_at"] = int(time.time())
        _announce("invoice.paid", invoice)


def finalize_invoice(id: str, auto_advance: Any = None, **params: Any) -> Any:
    """POST /v1/invoices/{id}/finalize."""
    if params:
        raise _invalid(f"Received unknown parameter: {next(iter(params))}")
    invoice = _retrieve(Invoice, "invoice", id, "invoice")
    if invoice.status != "draft":
        raise _invalid(
            "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
            code="invoice_not_editable",
        )  # fmt: skip
    if auto_advance is not None:
        invoice.auto_advance = try_convert_to_bool(auto_advance)
    _finalize(invoice)
    return invoice


def send_invoice(id: str, **params: Any) -> Any:
    """POST /v1/invoices/{id}/send: finalises a draft first, as Stripe does; test mode e-mails nobody."""
    if params:
        raise _invalid(f"Received unknown parameter: {next(iter(params))}")
    invoice = _retrieve(Invoice, "invoice", id, "invoice")
    if invoice.collection_method != "send_invoice":
        raise _invalid("You can only manually send an invoice if its collection method is 'send_invoice'.")
    if invoice.status == "void":
        raise _invalid("You can't send a void invoice.", code="invoice_not_editable")
    if invoice.status == "draft":
        _finalize(invoice)
    _announce("invoice.sent", invoice)
    return invoice


async def account(request: web.Request) -> web.Response:
    """GET /v1/account: one account per API key, so two merchants' keys are two accounts."""
    digest = hashlib.sha256(api_key(request).encode()).hexdigest()
    return web.json_response(
        {
            "id": f"acct_{digest[:16]}",
            "object": "account",
            "business_type": "company",
            "charges_enabled": True,
            "country": "US",
            "default_currency": "usd",
            "email": f"{digest[:8]}@merchant.example",
            "livemode": False,
            "settings": {"dashboard": {"display_name": f"Fake account {digest[:6]}"}},
            "type": "standard",
        }
    )


def retrieve(cls: Any, id: str) -> Any:
    """Any object by id; a missing one is Stripe's 404 (``No such invoice: 'in_...'``, code
    ``resource_missing``), not localstripe's bare "Not Found"."""
    found = store.get(f"{cls.object}:{id}")
    if found is None:
        raise _no_such(cls.object, id, "id")
    return found


def _line_parent(line: Any) -> dict[str, Any] | None:
    """What a line shows, as Stripe has written it since API version 2025-03-31 (``parent``)."""
    if line.type != "invoiceitem":
        return None
    details = {"invoice": line.invoice, "invoice_item": line.invoice_item, "proration": line.proration}
    return {"type": "invoice_item_details", "invoice_item_details": details, "subscription_item_details": None}


def patch_resources() -> None:
    """Patch localstripe's classes and its table of extra routes. Must run before
    ``localstripe.server`` is imported: the server registers ``extra_apis`` when it is imported,
    before its generic ``/v1/invoices/{id}`` routes (aiohttp tries routes in the order added)."""
    StripeObject._api_retrieve = classmethod(retrieve)
    Invoice._api_create = classmethod(create_invoice)
    InvoiceLineItem.parent = property(_line_parent)
    InvoiceItem._api_create = classmethod(create_invoice_item)
    extra_apis[:] = [route for route in extra_apis if route[:2] != ("GET", "/v1/invoices/{id}/lines")]
    extra_apis.extend(
        (
            ("GET", "/v1/invoices/{id}/lines", list_lines),
            ("POST", "/v1/invoices/{id}/finalize", finalize_invoice),
            ("POST", "/v1/invoices/{id}/send", send_invoice),
        )
    )


def add_routes(app: web.Application) -> None:
    """Routes that need the request itself (the API key), added after localstripe's."""
    app.router.add_get("/v1/account", account)
