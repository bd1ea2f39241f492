"""The Stripe export against real Postgres and the fake Stripe over HTTP: exactly once whatever
crashes, retries, permanent errors, currency rules, and no key in any log."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from pydantic import SecretStr

from billbo.migrations.runner import Databases
from billbo.settings import Settings
from billbo.stripe import export
from billbo.stripe.client import StripeGateway
from billbo.stripe.repository import ConnectionRow
from billbo.stripe.service import secret_key
from tests.billbo.stripe import world as worlds
from tests.stripe_fake.process import FakeStripe

T = TypeVar("T")


class Crash(Exception):
    """The process dying between two Stripe calls."""


class CrashingGateway(StripeGateway):
    """A real gateway that 'dies' right after its Nth Stripe call succeeded (before BillBo commits)."""

    def __init__(self, api_key: SecretStr, *, crash_after: int | None, **kwargs: Any) -> None:
        super().__init__(api_key, **kwargs)
        self.calls = 0
        self.crash_after = crash_after

    def _call(self, request: Callable[[], T]) -> T:
        result = super()._call(request)
        self.calls += 1
        if self.calls == self.crash_after:
            raise Crash(f"after call {self.calls}")
        return result


@pytest.fixture
def stripe_settings(settings: Settings, fake_stripe: FakeStripe) -> Settings:
    return settings.model_copy(update={"stripe_api_base": fake_stripe.url, "stripe_max_network_retries": 3})


def _run(
    databases: Databases, settings: Settings, world: worlds.World, gateway_for: export.GatewayFor | None = None
) -> export.ExportReport:
    connect = worlds.connector(databases.postgres_url)
    planned = export.plan(connect).get(world.merchant_id, [])
    return export.export_merchant(connect, settings, world.merchant_id, planned, gateway_for=gateway_for)


def _assert_exactly_once(databases: Databases, fake: FakeStripe, api_key: str, world: worlds.World) -> None:
    """One open Stripe invoice per BillBo invoice, with exactly its lines and its total."""
    with worlds.stripe_view(fake.url, api_key) as gateway:
        found = worlds.stripe_invoices_of(gateway, databases.postgres_url, world)
    rows = worlds.exports(databases.postgres_url, world)
    assert set(found) == {str(i) for i in world.invoices}, found.keys()
    for invoice_id, lines in world.invoices.items():
        (stripe_invoice,) = found[str(invoice_id)]
        assert stripe_invoice["lines"] == sorted((str(line), amount) for line, amount in lines)
        assert stripe_invoice["invoice"].total == sum(amount for _, amount in lines)
        assert stripe_invoice["invoice"].status == "open"
        row = rows[invoice_id]
        assert (row["state"], row["stripe_invoice_id"]) == ("exported", stripe_invoice["invoice"].id)
        assert row["stripe_invoice_number"] and row["hosted_invoice_url"]


def test_several_customers_invoices_adjustments_included_reach_stripe_once(
    databases: Databases, stripe_settings: Settings, fake_stripe: FakeStripe, api_key: str, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    world = worlds.build(databases.postgres_url, stripe_settings, api_key, customers=3, zero_invoice=True)
    report = _run(databases, stripe_settings, world)
    assert (report.exported, report.skipped, report.failed, report.pending) == (3, 1, 0, 0)

    # The ideal: per invoice 1 customer + 1 invoice + N items + 1 finalize (+ 1 send): nothing looked up.
    log = fake_stripe.requests()
    calls = [(r["method"], r["path"].split("/")[2]) for r in log]
    by_kind = {kind: sum(1 for c in calls if c == kind) for kind in set(calls)}
    assert by_kind == {("POST", "customers"): 3, ("POST", "invoices"): 9, ("POST", "invoiceitems"): 6}
    assert len([r for r in log if r["path"].endswith("/send")]) == 3

    zero = next(i for i, lines in world.invoices.items() if sum(a for _, a in lines) == 0)
    del world.invoices[zero]
    _assert_exactly_once(databases, fake_stripe, api_key, world)
    assert worlds.exports(databases.postgres_url, world)[zero]["state"] == "skipped"
    # What the customer reads on each line.
    with worlds.stripe_view(fake_stripe.url, api_key) as gateway:
        some = next(iter(worlds.exports(databases.postgres_url, world).values()))
        descriptions = sorted(line.description or "" for line in gateway.list_invoice_lines(some["stripe_invoice_id"]))
    assert descriptions[0].startswith("API calls: 160.5 call, February 2026 (tier 1 (0-100): 100 x 0.1 USD")
    assert descriptions[1].startswith("API calls: adjustment for January 2026, 25 call more (billed before: 50 call)")

    # Running again adds nothing: nothing is left to export.
    before = len(fake_stripe.requests())
    assert _run(databases, stripe_settings, world).exported == 0
    assert len(fake_stripe.requests()) == before
    assert api_key not in caplog.text and api_key[8:] not in caplog.text


def _gateway_for(settings: Settings, crash_after: int | None) -> Callable[[ConnectionRow], CrashingGateway]:
    def make(row: ConnectionRow) -> CrashingGateway:
        return CrashingGateway(
            secret_key(settings, row), crash_after=crash_after, api_base=settings.stripe_api_base, max_network_retries=0
        )

    return make


@pytest.mark.parametrize("hours_later", [0, 25], ids=["same-day", "after-keys-expired"])
def test_a_crash_after_any_stripe_call_then_a_rerun_exports_exactly_once(
    databases: Databases, stripe_settings: Settings, fake_stripe: FakeStripe, api_key: str, hours_later: int
) -> None:
    clean = worlds.build(databases.postgres_url, stripe_settings, api_key)
    counting = _gateway_for(stripe_settings, None)
    made: list[CrashingGateway] = []

    def keep(row: ConnectionRow) -> CrashingGateway:
        made.append(counting(row))
        return made[-1]

    _run(databases, stripe_settings, clean, keep)
    total_calls = made[0].calls
    assert total_calls == 2 + 2 * (1 + 2 + 1 + 1)  # 2 customers; per invoice: draft, 2 items, finalize, send

    for crash_after in range(1, total_calls):
        fake_stripe.reset()
        world = worlds.build(databases.postgres_url, stripe_settings, api_key)
        with pytest.raises(Crash):
            _run(databases, stripe_settings, world, _gateway_for(stripe_settings, crash_after))
        if hours_later:
            fake_stripe.advance_clock(hours=hours_later)
        report = _run(databases, stripe_settings, world)
        assert (report.failed, report.pending, report.busy) == (0, 0, 0), crash_after
        _assert_exactly_once(databases, fake_stripe, api_key, world)
        # Nothing is created twice (within 24 hours Stripe replays the key; after, BillBo looked first).
        created = [
            r for r in fake_stripe.requests() if r["method"] == "POST" and r["status"] == 200 and not r["replayed"]
        ]
        items = [r for r in created if r["path"] == "/v1/invoiceitems"]
        drafts = [r for r in created if r["path"] == "/v1/invoices"]
        assert (len(items), len(drafts)) == (4, 2), crash_after


def test_429_500_and_a_lost_answer_are_retried_with_the_same_key(
    databases: Databases, stripe_settings: Settings, fake_stripe: FakeStripe, api_key: str
) -> None:
    world = worlds.build(databases.postgres_url, stripe_settings, api_key, customers=1)
    fake_stripe.fault(status=429, path="^/v1/customers$", times=2)
    fake_stripe.fault(status=500, should_retry=True, path="^/v1/invoices$")
    fake_stripe.fault(drop=True, stage="after", path="^/v1/invoiceitems$")
    report = _run(databases, stripe_settings, world)
    assert report.exported == 1
    _assert_exactly_once(databases, fake_stripe, api_key, world)
    log = fake_stripe.requests()
    assert [r["status"] for r in log if r["path"] == "/v1/customers"] == [429, 429, 200]
    assert [r["status"] for r in log if r["path"] == "/v1/invoices" and r["method"] == "POST"] == [500, 200]
    items = [r for r in log if r["path"] == "/v1/invoiceitems"]
    assert [(r["status"], r["replayed"]) for r in items][:2] == [(None, False), (200, True)]  # the same key, replayed


def test_stripe_unavailable_leaves_it_pending_with_the_error_then_the_next_run_exports_it(
    databases: Databases, stripe_settings: Settings, fake_stripe: FakeStripe, api_key: str
) -> None:
    settings = stripe_settings.model_copy(update={"stripe_max_network_retries": 1})
    world = worlds.build(databases.postgres_url, settings, api_key, customers=1)
    fake_stripe.fault(status=503, path="^/v1/invoices$", times=2)
    assert _run(databases, settings, world).pending == 1
    (row,) = worlds.exports(databases.postgres_url, world).values()
    assert (row["state"], row["attempts"], row["error_code"]) == ("pending", 1, "api_error")
    assert "unavailable" in row["error_message"]
    assert _run(databases, settings, world).exported == 1
    (row,) = worlds.exports(databases.postgres_url, world).values()
    assert (row["state"], row["attempts"], row["error_message"]) == ("exported", 2, None)
    _assert_exactly_once(databases, fake_stripe, api_key, world)


def test_a_refused_key_fails_the_invoice_and_stops_the_merchants_run(
    databases: Databases, stripe_settings: Settings, fake_stripe: FakeStripe, api_key: str
) -> None:
    world = worlds.build(databases.postgres_url, stripe_settings, api_key, customers=3)
    fake_stripe.revoke(api_key)
    report = _run(databases, stripe_settings, world)
    assert (report.failed, report.stopped_merchants) == (1, [world.merchant_id])
    rows = worlds.exports(databases.postgres_url, world)
    (failed,) = rows.values()  # the others were never started
    assert (failed["state"], failed["error_code"]) == ("failed", "api_key_expired")
    assert api_key not in failed["error_message"]
    assert len(fake_stripe.requests()) == 1


@pytest.mark.parametrize(
    ("currency", "amounts", "stripe_lines"),
    [("KWD", (1150, 250), [250, 1150, 1160]), ("ISK", (1151, 250), [25000, 115100, 116100])],
)
def test_currencies_stripe_writes_its_own_way(
    databases: Databases,
    stripe_settings: Settings,
    fake_stripe: FakeStripe,
    api_key: str,
    currency: str,
    amounts: tuple[int, int],
    stripe_lines: list[int],
) -> None:
    """Three decimals go as they are when their last digit is 0; ISK goes two-decimal (x 100)."""
    world = worlds.build(databases.postgres_url, stripe_settings, api_key, currency=currency, amounts=amounts)
    assert _run(databases, stripe_settings, world).exported == 2
    with worlds.stripe_view(fake_stripe.url, api_key) as gateway:
        found = worlds.stripe_invoices_of(gateway, databases.postgres_url, world)
    amounts_sent = sorted(amount for invoices in found.values() for _, amount in invoices[0]["lines"])
    assert sorted(set(amounts_sent)) == stripe_lines


def test_an_amount_stripe_cannot_take_fails_the_invoice_before_any_call(
    databases: Databases, stripe_settings: Settings, fake_stripe: FakeStripe, api_key: str
) -> None:
    world = worlds.build(databases.postgres_url, stripe_settings, api_key, customers=1, currency="KWD")
    assert _run(databases, stripe_settings, world).failed == 1
    (row,) = worlds.exports(databases.postgres_url, world).values()
    assert (row["state"], row["error_code"]) == ("failed", "amount_not_representable")
    assert "multiples of 0.01 KWD" in row["error_message"] and "1.151 KWD" in row["error_message"]
    assert fake_stripe.requests() == []


def test_the_charge_automatically_invoice_is_left_to_stripe_to_collect(
    databases: Databases, stripe_settings: Settings, fake_stripe: FakeStripe, api_key: str
) -> None:
    world = worlds.build(
        databases.postgres_url, stripe_settings, api_key, customers=1, collection_method="charge_automatically"
    )
    assert _run(databases, stripe_settings, world).exported == 1
    _assert_exactly_once(databases, fake_stripe, api_key, world)
    assert not [r for r in fake_stripe.requests() if r["path"].endswith("/send")]


def test_reconcile_reads_every_exported_invoice_back(
    databases: Databases, stripe_settings: Settings, fake_stripe: FakeStripe, api_key: str
) -> None:
    period = dt.date(2026, 4, 1)
    world = worlds.build(databases.postgres_url, stripe_settings, api_key, period=period)
    _run(databases, stripe_settings, world)
    checked, found = export.reconcile(worlds.connector(databases.postgres_url), stripe_settings, period)
    assert (checked, found) == (2, [])
    assert uuid.UUID(int=0) not in world.invoices
