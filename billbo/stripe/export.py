"""The export of finalised invoices to the merchant's Stripe account, exactly once whatever crashes.

For each finalised invoice of a connected merchant not yet exported: an ``invoice_exports`` row
(pending, for the connection's account), then in Stripe the customer (found or created, mapped in
``stripe_customers``), a one-off draft holding none of the customer's pending items, one invoice
item per BillBo line, finalisation and, for ``send_invoice``, sending. An invoice of 0 is
``skipped`` unless the merchant sends those.

Exactly once:

* every Stripe write carries an idempotency key made of BillBo ids only (never a time or an attempt
  number), so a retry within Stripe's 24 hours reaches the object the first attempt made;
* each Stripe id is committed as soon as Stripe answers, each step in its own transaction (the
  export opens its own connection: it never writes through a request's transaction), so a run
  that dies resumes where it stopped;
* an invoice that an earlier attempt already took to Stripe (``attempts`` > 0) looks before it
  writes, because Stripe forgets keys after 24 hours: the customer's Stripe invoices for one whose
  ``metadata.billbo_invoice_id`` is this invoice, the draft's lines for their ``billbo_line_id``,
  the Stripe invoice's status before finalising. A first attempt has nothing to look for, so it
  makes exactly 1 customer (the first time) + 1 invoice + N items + 1 finalise (+ 1 send) calls;
* a session advisory lock per invoice keeps two exporters (the Dagster asset, the CLI, the
  dashboard's retry) off the same invoice at once.

Failures: :class:`StripeUnavailable` (after the SDK's retries) leaves the invoice pending with the
error recorded, for the next run; :class:`StripeRejected` fails it with Stripe's code and message;
:class:`StripeKeyRejected` fails it and stops the merchant's run (nothing else would work). Amounts
Stripe cannot take as they are (see :func:`stripe_amount`) fail the invoice before any call.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from billbo.errors import Conflict, NotFound
from billbo.money import plain
from billbo.postgres.connection import Conn
from billbo.settings import Settings
from billbo.stripe import repository, service
from billbo.stripe.client import StripeGateway
from billbo.stripe.errors import StripeFailure, StripeKeyRejected, StripeRejected, StripeUnavailable
from billbo.stripe.repository import ConnectionRow, ExportRow, InvoiceToExport, LineToExport
from billbo.stripe.schemas import CollectionMethod, StripeExportStatus, StripeInvoice

log = logging.getLogger(__name__)

Connect = Callable[[], AbstractContextManager[Conn]]
"""Opens a Postgres connection for the export (``pool.connection`` or ``lambda: psycopg.connect(url)``)."""
GatewayFor = Callable[[ConnectionRow], StripeGateway]
Outcome = Literal["exported", "skipped", "failed", "pending", "busy", "done"]

MAX_DESCRIPTION = 500  # what BillBo sends of a line's description (Stripe's invoice PDF wraps it)

# Stripe's API amounts where they differ from ISO 4217's minor unit (BillBo's currencies table):
# ISK became zero-decimal, but Stripe keeps it two-decimal in its API for backwards compatibility
# (100 = 1 krona) and refuses amounts that are not multiples of 100.
STRIPE_EXPONENT = {"ISK": 2}
# Three-decimal currencies: Stripe takes fils/baisa, but its payment partners need the last digit 0.
MULTIPLE_OF = {"BHD": 10, "JOD": 10, "KWD": 10, "OMR": 10, "TND": 10}
AMOUNT_NOT_REPRESENTABLE = "amount_not_representable"


def stripe_amount(amount_minor: int, currency: str, exponent: int) -> int:
    """BillBo's amount (minor units at ISO 4217's exponent) as Stripe's API writes it."""
    scale = STRIPE_EXPONENT.get(currency, exponent) - exponent
    assert scale >= 0, "Stripe never has fewer decimals than ISO 4217 for BillBo's currencies"
    return amount_minor * int(10**scale)


def unrepresentable(currency: str, exponent: int, amounts: Sequence[int]) -> str | None:
    """Why Stripe cannot be sent these amounts exactly, or None. BillBo never rounds an amount it
    already billed: the invoice fails with this message instead, for the merchant to settle.
    (HUF and TWD are zero-decimal in Stripe only for payouts; invoices take two decimals.)"""
    step = MULTIPLE_OF.get(currency)
    if step is None:
        return None
    bad = [amount for amount in amounts if stripe_amount(amount, currency, exponent) % step]
    if not bad:
        return None
    unit = Decimal(1).scaleb(-exponent)
    shown = ", ".join(f"{plain(Decimal(a) * unit)} {currency}" for a in bad[:3])
    return (
        f"Stripe takes {currency} amounts only in multiples of {plain(step * unit)} {currency} (its payment "
        f"partners need the last of the three decimals to be 0); this invoice has {len(bad)} line(s) that are "
        f"not ({shown}). BillBo does not round a billed amount: void or credit it and bill the customer otherwise."
    )


# Descriptions a customer understands


def _month(day: dt.date) -> str:
    return f"{day:%B %Y}"


def _number(value: Decimal | str | None) -> str:
    return "" if value is None else str(plain(Decimal(value)))


def _steps(line: LineToExport, currency: str) -> str:
    """The tiers the line used, from the breakdown it stored (never rated again)."""
    parts = []
    for step in line.tier_breakdown or []:
        quantity = Decimal(step["quantity"])
        flat = Decimal(step.get("flat_fee") or 0)
        if quantity == 0 and flat == 0:
            continue
        if line.pricing_model == "package":
            text = f"{_number(quantity)} package(s) of {_number(line.package_size)} at {_number(step['unit_price'])}"
        else:
            upper = step.get("up_to")
            span = f"{_number(step['from'])}-{_number(upper)}" if upper is not None else f"over {_number(step['from'])}"
            label = f"tier {step['tier']} ({span})" if line.pricing_model in ("graduated", "volume") else ""
            text = f"{label + ': ' if label else ''}{_number(quantity)} x {_number(step['unit_price'])} {currency}"
        if flat:
            text += f" + {_number(flat)} flat"
        parts.append(text)
    if line.minimum_top_up:
        parts.append(f"minimum charge top-up {_number(line.minimum_top_up)} {currency}")
    return "; ".join(parts)


def describe(line: LineToExport, invoice_period: dt.date, currency: str) -> str:
    """``Calls: 160.5 call, November 2026 (first 10 included; tier 1 (0-100): 100 x 0.10 USD; ...)``;
    an adjustment line names the period it corrects and what was billed for it before."""
    quantity = f"{_number(line.quantity)} {line.unit}"
    if line.usage_period_start != invoice_period:
        head = f"{line.sku_name}: adjustment for {_month(line.usage_period_start)}, {quantity} more"
        if line.billed_before_quantity is not None:
            head += f" (billed before: {_number(line.billed_before_quantity)} {line.unit})"
    else:
        head = f"{line.sku_name}: {quantity}, {_month(line.usage_period_start)}"
    details = []
    if line.included_quantity:
        details.append(f"first {_number(line.included_quantity)} included")
    if steps := _steps(line, currency):
        details.append(steps)
    text = head + (f" ({'; '.join(details)})" if details else "")
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 3] + "..."


# Idempotency keys: BillBo ids only


def customer_key(merchant_id: uuid.UUID, customer_id: uuid.UUID) -> str:
    return f"billbo:{merchant_id}:customer:{customer_id}"  # customer ids are the merchant's own


def invoice_key(invoice_id: uuid.UUID) -> str:
    return f"billbo:invoice:{invoice_id}"


def line_key(line_id: uuid.UUID) -> str:
    return f"billbo:line:{line_id}"


def finalize_key(invoice_id: uuid.UUID) -> str:
    return f"billbo:invoice:{invoice_id}:finalize"


def send_key(invoice_id: uuid.UUID) -> str:
    return f"billbo:invoice:{invoice_id}:send"


# The run


@dataclass
class ExportReport:
    exported: int = 0
    skipped: int = 0
    failed: int = 0
    pending: int = 0  # Stripe could not be reached; the next run retries them
    busy: int = 0  # another exporter held them
    stopped_merchants: list[uuid.UUID] = field(default_factory=list)  # their key was refused

    def count(self, outcome: Outcome) -> None:
        if outcome in ("exported", "done"):
            self.exported += 1
        elif outcome == "skipped":
            self.skipped += 1
        elif outcome == "failed":
            self.failed += 1
        elif outcome == "pending":
            self.pending += 1
        else:
            self.busy += 1


def plan(connect: Connect, period: dt.date | None = None) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The invoices to export, by merchant (finalised, connected, not yet exported)."""
    with connect() as conn, conn.transaction():
        return {
            merchant: repository.invoices_to_export(conn, merchant, period)
            for merchant in repository.merchants_to_export(conn, period)
        }


def periods_to_export(conn: Conn) -> list[dt.date]:
    return repository.periods_to_export(conn)


def export_invoices(
    connect: Connect,
    settings: Settings,
    *,
    period: dt.date | None = None,
    gateway_for: GatewayFor | None = None,
    on_invoice: Callable[[uuid.UUID, Outcome], object] | None = None,
) -> ExportReport:
    """Export every finalised invoice (of ``period``, or all) of every connected merchant."""
    report = ExportReport()
    for merchant_id, invoice_ids in plan(connect, period).items():
        export_merchant(connect, settings, merchant_id, invoice_ids, report, gateway_for, on_invoice)
    return report


def export_merchant(
    connect: Connect,
    settings: Settings,
    merchant_id: uuid.UUID,
    invoice_ids: Sequence[uuid.UUID],
    report: ExportReport | None = None,
    gateway_for: GatewayFor | None = None,
    on_invoice: Callable[[uuid.UUID, Outcome], object] | None = None,
) -> ExportReport:
    """Export the merchant's given invoices, one after another, on one connection."""
    report = report if report is not None else ExportReport()
    with connect() as conn:
        with conn.transaction():
            connection = repository.stripe_connection(conn, merchant_id)
        if connection is None:
            return report
        with (gateway_for or (lambda row: service.gateway(settings, row)))(connection) as gateway:
            for invoice_id in invoice_ids:
                try:
                    outcome = export_invoice(conn, gateway, connection, invoice_id)
                except StripeKeyRejected as exc:
                    log.warning("stripe export: merchant %s: key refused, run stopped (%s)", merchant_id, exc)
                    report.count("failed")
                    report.stopped_merchants.append(merchant_id)
                    if on_invoice is not None:
                        on_invoice(invoice_id, "failed")
                    break
                report.count(outcome)
                if on_invoice is not None:
                    on_invoice(invoice_id, outcome)
    return report


@contextmanager
def _locked(conn: Conn, invoice_id: uuid.UUID) -> Iterator[bool]:
    with conn.transaction():
        locked = repository.lock_export(conn, invoice_id)
    try:
        yield locked
    finally:
        if locked:
            with conn.transaction():
                repository.unlock_export(conn, invoice_id)


def export_invoice(conn: Conn, gateway: StripeGateway, connection: ConnectionRow, invoice_id: uuid.UUID) -> Outcome:
    """Take one finalised invoice as far as it goes in Stripe; every statement in its own committed
    transaction on ``conn`` (which must not be in a transaction). Raises StripeKeyRejected (after
    failing the invoice) when the merchant's key is refused."""
    with _locked(conn, invoice_id) as locked:
        if not locked:
            return "busy"
        with conn.transaction():
            invoice = repository.invoice_to_export(conn, invoice_id)
            if invoice is None or invoice.merchant_id != connection.merchant_id:
                return "busy"  # not finalised, or not this merchant's: nothing to do here
            row = repository.ensure_export(conn, invoice_id, invoice.merchant_id, connection.account_id)
            lines = repository.lines_to_export(conn, invoice_id)
        decided = _decided_before_stripe(conn, connection, invoice, lines, row)
        if decided is not None:
            return decided
        with conn.transaction():
            row = repository.ensure_export(conn, invoice_id, invoice.merchant_id, connection.account_id)
            resumed = repository.start_attempt(conn, invoice_id) > 0
        try:
            return _to_stripe(conn, gateway, connection, invoice, lines, row, resumed=resumed)
        except StripeKeyRejected as exc:
            _fail(conn, invoice_id, exc.code or exc.kind, exc.message)
            raise
        except StripeRejected as exc:
            log.info("stripe export: invoice %s refused by Stripe: %s", invoice_id, exc)
            return _fail(conn, invoice_id, exc.code or exc.kind, exc.message)
        except StripeUnavailable as exc:
            log.info("stripe export: invoice %s stays pending: %s", invoice_id, exc)
            with conn.transaction():
                repository.record_error(conn, invoice_id, exc.code or exc.kind, exc.message)
            return "pending"


def _decided_before_stripe(
    conn: Conn, connection: ConnectionRow, invoice: InvoiceToExport, lines: list[LineToExport], row: ExportRow
) -> Outcome | None:
    """The outcome when no Stripe call is needed (already decided, skipped, or not representable)."""
    if row.state != "pending":
        return "done"
    if row.account_id != connection.account_id:
        if row.stripe_invoice_id is not None:
            return _fail(
                conn,
                invoice.id,
                "stripe_account_changed",
                f"The export began in Stripe account {row.account_id} (invoice {row.stripe_invoice_id}); the "
                f"connected account is now {connection.account_id}. Reconnect {row.account_id}, or void the "
                "Stripe invoice there and bill this one otherwise.",
            )
        with conn.transaction():
            repository.adopt_account(conn, invoice.id, connection.account_id)
    if invoice.subtotal_minor == 0 and not invoice.send_zero_amount_invoices:
        with conn.transaction():
            repository.mark_skipped(conn, invoice.id)
        return "skipped"
    problem = unrepresentable(invoice.currency, invoice.exponent, [line.amount_minor for line in lines])
    if problem is not None:
        return _fail(conn, invoice.id, AMOUNT_NOT_REPRESENTABLE, problem)
    return None


def _fail(conn: Conn, invoice_id: uuid.UUID, code: str | None, message: str) -> Outcome:
    with conn.transaction():
        repository.mark_failed(conn, invoice_id, code, message)
    return "failed"


def _to_stripe(
    conn: Conn,
    gateway: StripeGateway,
    connection: ConnectionRow,
    invoice: InvoiceToExport,
    lines: list[LineToExport],
    row: ExportRow,
    *,
    resumed: bool,
) -> Outcome:
    method: CollectionMethod = "send_invoice" if invoice.collection_method == "send_invoice" else "charge_automatically"
    customer_id = row.stripe_customer_id or _customer(conn, gateway, connection, invoice)
    current = _draft(conn, gateway, invoice, customer_id, row.stripe_invoice_id, method, resumed=resumed)
    if current.status == "void":
        return _fail(
            conn,
            invoice.id,
            "stripe_invoice_void",
            f"The Stripe invoice {current.id} of this invoice was voided in Stripe before BillBo finalised it.",
        )
    if current.status == "draft":
        failure = _items(conn, gateway, invoice, lines, customer_id, current.id, resumed=resumed)
        if failure is not None:
            return _fail(conn, invoice.id, "stripe_draft_differs", failure)
        current = gateway.finalize_invoice(
            current.id, idempotency_key=finalize_key(invoice.id), auto_advance=method == "charge_automatically"
        )
    elif resumed:  # finalised by an attempt whose answer was lost: its lines must still be exactly ours
        failure = _check_lines(gateway, invoice, lines, current.id)
        if failure is not None:
            return _fail(conn, invoice.id, "stripe_draft_differs", failure)
    with conn.transaction():
        repository.mark_finalized(conn, invoice.id, current.number, current.hosted_invoice_url)
    expected = sum(stripe_amount(line.amount_minor, invoice.currency, invoice.exponent) for line in lines)
    billed = current.total
    if billed != expected:
        return _fail(
            conn,
            invoice.id,
            "stripe_total_differs",
            f"Stripe's invoice {current.id} totals {billed} but BillBo billed {expected} (minor units of "
            f"{invoice.currency}); void it in Stripe, then retry.",
        )
    if method == "send_invoice" and row.sent_at is None and current.status == "open":
        gateway.send_invoice(current.id, idempotency_key=send_key(invoice.id))
        with conn.transaction():
            repository.mark_sent(conn, invoice.id)
    with conn.transaction():
        repository.mark_exported(conn, invoice.id)
    return "exported"


def _customer(conn: Conn, gateway: StripeGateway, connection: ConnectionRow, invoice: InvoiceToExport) -> str:
    with conn.transaction():
        mapped = repository.stripe_customer(conn, invoice.merchant_id, connection.account_id, invoice.customer_id)
    if mapped is None:
        created = gateway.create_customer(
            name=invoice.customer_name,
            email=invoice.customer_email,
            metadata={"billbo_customer_id": str(invoice.customer_id)},
            idempotency_key=customer_key(invoice.merchant_id, invoice.customer_id),
        )
        with conn.transaction():
            mapped = repository.save_stripe_customer(
                conn, invoice.merchant_id, connection.account_id, invoice.customer_id, created.id
            )
    with conn.transaction():
        repository.set_export_customer(conn, invoice.id, mapped)
    return mapped


def _draft(
    conn: Conn,
    gateway: StripeGateway,
    invoice: InvoiceToExport,
    customer_id: str,
    stripe_invoice_id: str | None,
    method: CollectionMethod,
    *,
    resumed: bool,
) -> StripeInvoice:
    """The Stripe invoice of this invoice: the stored one, one an earlier attempt made (found by its
    metadata), or a new draft, whose id is committed at once."""
    if stripe_invoice_id is not None:
        return gateway.retrieve_invoice(stripe_invoice_id)
    found = None
    if resumed:
        mine = [i for i in gateway.list_invoices(customer_id) if i.metadata.get("billbo_invoice_id") == str(invoice.id)]
        live = [i for i in mine if i.status != "void"]
        candidates = live or mine
        found = candidates[-1] if candidates else None  # newest first: the oldest is the one made first
    if found is None:
        found = gateway.create_draft_invoice(
            customer_id=customer_id,
            currency=invoice.currency,
            collection_method=method,
            days_until_due=invoice.days_until_due if method == "send_invoice" else None,
            metadata={
                "billbo_invoice_id": str(invoice.id),
                "billbo_invoice_number": str(invoice.number),
                "billbo_period": f"{invoice.period_start:%Y-%m}",
            },
            description=f"Usage for {_month(invoice.period_start)} (BillBo invoice {invoice.number})",
            idempotency_key=invoice_key(invoice.id),
        )
    with conn.transaction():
        repository.set_stripe_invoice(conn, invoice.id, found.id)
    return found


def _stripe_lines(
    gateway: StripeGateway, lines: list[LineToExport], stripe_invoice_id: str
) -> tuple[dict[uuid.UUID, str], list[str]]:
    """The draft's items by BillBo line, and the ids of lines that are not exactly one of ours."""
    ours = {str(line.id): line.id for line in lines}
    by_line: dict[uuid.UUID, str] = {}
    strangers: list[str] = []
    for stripe_line in gateway.list_invoice_lines(stripe_invoice_id):
        line_id = ours.get(stripe_line.metadata.get("billbo_line_id", ""))
        if line_id is None or line_id in by_line or stripe_line.invoice_item is None:
            strangers.append(stripe_line.id)
        else:
            by_line[line_id] = stripe_line.invoice_item
    return by_line, strangers


def _strangers_message(stripe_invoice_id: str, strangers: list[str]) -> str:
    return (
        f"The Stripe invoice {stripe_invoice_id} holds {len(strangers)} line(s) that are not this invoice's "
        f"({', '.join(strangers[:3])}); BillBo does not finalise it. Remove them in Stripe (or void it), then retry."
    )


def _items(
    conn: Conn,
    gateway: StripeGateway,
    invoice: InvoiceToExport,
    lines: list[LineToExport],
    customer_id: str,
    stripe_invoice_id: str,
    *,
    resumed: bool,
) -> str | None:
    """One item per line on the draft, each committed as Stripe answers; on a resumed export the
    draft's lines are read first. Returns why the draft cannot be finalised, if it cannot."""
    if resumed:
        present, strangers = _stripe_lines(gateway, lines, stripe_invoice_id)
        if strangers:
            return _strangers_message(stripe_invoice_id, strangers)
        with conn.transaction():
            for line_id, item_id in present.items():
                repository.save_line_export(conn, line_id, invoice.id, item_id)
    else:
        present = {}
    for line in lines:
        if line.id in present:
            continue
        item = gateway.create_invoice_item(
            customer_id=customer_id,
            invoice_id=stripe_invoice_id,
            amount=stripe_amount(line.amount_minor, invoice.currency, invoice.exponent),
            currency=invoice.currency,
            description=describe(line, invoice.period_start, invoice.currency),
            metadata={"billbo_line_id": str(line.id), "billbo_invoice_id": str(invoice.id)},
            idempotency_key=line_key(line.id),
        )
        with conn.transaction():
            repository.save_line_export(conn, line.id, invoice.id, item.id)
    return None


def _check_lines(
    gateway: StripeGateway, invoice: InvoiceToExport, lines: list[LineToExport], stripe_invoice_id: str
) -> str | None:
    present, strangers = _stripe_lines(gateway, lines, stripe_invoice_id)
    if strangers:
        return _strangers_message(stripe_invoice_id, strangers)
    if missing := [line.id for line in lines if line.id not in present]:
        return (
            f"The Stripe invoice {stripe_invoice_id} was finalised without {len(missing)} of this invoice's lines; "
            "void it in Stripe, then retry."
        )
    return None


# The dashboard's retry, and the reconciliation


def retry(
    connect: Connect,
    settings: Settings,
    merchant_id: uuid.UUID,
    invoice_id: uuid.UUID,
    gateway_for: GatewayFor | None = None,
) -> StripeExportStatus:
    """A failed export back to pending, exported again at once; returns where it is now (404: not
    the merchant's invoice; 409: its export has not failed)."""
    with connect() as conn, conn.transaction():
        owner = repository.invoice_merchant(conn, invoice_id)
        if owner is None or owner[0] != merchant_id:
            raise NotFound(f"No invoice {invoice_id}.")
        row = repository.export(conn, invoice_id)
        if row is None or row.state != "failed":
            state = row.state if row is not None else "not exported"
            raise Conflict(f"The invoice's Stripe export is {state}, not failed: there is nothing to retry.")
        repository.retry_failed(conn, invoice_id)
    export_merchant(connect, settings, merchant_id, [invoice_id], gateway_for=gateway_for)
    with connect() as conn, conn.transaction():
        row = repository.export(conn, invoice_id)
    assert row is not None
    return repository.as_status(row)


@dataclass(frozen=True)
class Discrepancy:
    invoice_id: uuid.UUID
    stripe_invoice_id: str
    problem: str


def reconcile(
    connect: Connect, settings: Settings, period: dt.date, gateway_for: GatewayFor | None = None
) -> tuple[int, list[Discrepancy]]:
    """Every exported invoice of the period read back from Stripe: its total and its line count
    must be BillBo's. Returns how many were checked and what differs."""
    with connect() as conn, conn.transaction():
        exported = repository.exported_invoices(conn, period)
        merchants = {row["merchant_id"] for row in exported}
        connections = {merchant: repository.stripe_connection(conn, merchant) for merchant in merchants}
    found: list[Discrepancy] = []
    checked = 0
    make = gateway_for or (lambda row: service.gateway(settings, row))
    for merchant, connection in connections.items():
        if connection is None:
            continue  # disconnected since: nothing to read with
        with make(connection) as gateway:
            for row in (r for r in exported if r["merchant_id"] == merchant):
                checked += 1
                try:
                    problem = _reconcile_one(gateway, row)
                except StripeFailure as exc:
                    problem = f"could not be read back from Stripe: {exc}"
                if problem is not None:
                    found.append(Discrepancy(row["invoice_id"], row["stripe_invoice_id"], problem))
    return checked, found


def _reconcile_one(gateway: StripeGateway, row: dict[str, object]) -> str | None:
    currency, exponent = str(row["currency"]), int(str(row["exponent"]))
    amounts = row["amounts"]
    assert isinstance(amounts, list)
    expected = sum(stripe_amount(int(a), currency, exponent) for a in amounts)
    stripe_invoice = gateway.retrieve_invoice(str(row["stripe_invoice_id"]))
    stripe_lines = gateway.list_invoice_lines(stripe_invoice.id)
    problems = []
    billed = stripe_invoice.total
    if billed != expected:
        problems.append(f"Stripe totals {billed}, BillBo {expected}")
    if len(stripe_lines) != row["line_count"]:
        problems.append(f"Stripe has {len(stripe_lines)} lines, BillBo {row['line_count']}")
    if stripe_invoice.currency != currency:
        problems.append(f"Stripe's currency is {stripe_invoice.currency}, BillBo's {currency}")
    return "; ".join(problems) or None
