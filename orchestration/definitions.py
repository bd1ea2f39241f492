"""Everything Dagster runs, assembled: ``dagster dev -m orchestration.definitions``.

Resources point at the databases BillBo uses (``BILLBO_POSTGRES_URL`` / ``BILLBO_CLICKHOUSE_URL``,
or the embedded servers' addresses), so ``billbo up``, tests and production share this file. As the
code location's entry point it is the one module of ``orchestration`` that imports ``billbo.local``
(for those addresses); the assets and resources take URLs.
"""

from __future__ import annotations

import dagster as dg

from billbo.local.stack import database_urls
from billbo.migrations.runner import Databases
from billbo.settings import get_settings
from orchestration.automation import billing_automation
from orchestration.invoicing.assets import (
    finalization,
    finalization_job,
    finalized_invoices,
    hourly_rating,
    invoice_drafts,
    rating_job,
)
from orchestration.rating.assets import invoice_models, rating_models
from orchestration.rating.runner import InProcessDbtResource
from orchestration.resources import ClickHouseResource, PostgresResource, StripeResource
from orchestration.stripe.assets import stripe_export, stripe_export_job, stripe_invoices
from orchestration.usage.assets import daily_usage, hourly_usage, usage_job
from orchestration.usage.late_events import late_events

ASSETS = [daily_usage, rating_models, invoice_drafts, invoice_models, finalized_invoices, stripe_invoices]


def build_definitions(databases: Databases) -> dg.Definitions:
    return dg.Definitions(
        assets=ASSETS,
        jobs=[usage_job, rating_job, finalization_job, stripe_export_job],
        schedules=[hourly_usage, hourly_rating, finalization, stripe_export],
        sensors=[late_events, billing_automation],
        resources=resources(databases),
    )


def resources(databases: Databases) -> dict[str, object]:
    return {
        "clickhouse": ClickHouseResource(url=databases.clickhouse_url),
        "postgres": PostgresResource(url=databases.postgres_url),
        "dbt": InProcessDbtResource(),
        "stripe": StripeResource.from_settings(get_settings()),
    }


defs = build_definitions(database_urls(get_settings()))
