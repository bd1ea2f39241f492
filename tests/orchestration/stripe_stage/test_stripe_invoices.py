"""The stripe_invoices asset materialised in-process against the test databases and the fake Stripe."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from billbo.migrations.runner import Databases
from billbo.settings import Settings
from orchestration.resources import PostgresResource, StripeResource
from orchestration.stripe.assets import RECONCILED, stripe_invoices
from tests.billbo.stripe import world as worlds
from tests.stripe_fake.process import FakeStripe


def test_the_asset_exports_the_period_and_its_blocking_check_reconciles(
    databases: Databases, settings: Settings, fake_stripe: FakeStripe, api_key: str
) -> None:
    period = dt.date(2026, 3, 1)
    world = worlds.build(databases.postgres_url, settings, api_key, period=period, customers=2)
    resources = {
        "postgres": PostgresResource(url=databases.postgres_url),
        "stripe": StripeResource(data_dir=str(settings.data_dir), api_base=fake_stripe.url, max_network_retries=1),
    }
    result = dg.materialize(
        [stripe_invoices],
        resources=resources,
        partition_key=period.isoformat(),
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    (materialization,) = result.asset_materializations_for_node("stripe_invoices")
    assert materialization.metadata["exported"].value == 2
    (check,) = result.get_asset_check_evaluations()
    assert (check.check_name, check.passed) == (RECONCILED, True)
    assert check.metadata["checked"].value == 2
    assert {row["state"] for row in worlds.exports(databases.postgres_url, world).values()} == {"exported"}

    again = dg.materialize(
        [stripe_invoices],
        resources=resources,
        partition_key=period.isoformat(),
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert again.asset_materializations_for_node("stripe_invoices")[0].metadata["exported"].value == 0
