"""The Stripe stage: finalised invoices exported to each connected merchant's Stripe account."""

import datetime as dt
from contextlib import AbstractContextManager

import dagster as dg

from billbo.postgres.connection import Conn
from billbo.stripe import export
from orchestration.automation import RERUN_WHEN_INPUTS_CHANGE
from orchestration.invoicing.assets import finalized_invoices
from orchestration.partitions import MONTHLY
from orchestration.resources import PostgresResource, StripeResource

RECONCILED = "stripe_invoices_reconcile_with_billbo"


@dg.asset(
    partitions_def=MONTHLY,
    backfill_policy=dg.BackfillPolicy.multi_run(1),
    group_name="stripe",
    deps=[finalized_invoices],
    automation_condition=RERUN_WHEN_INPUTS_CHANGE,
    check_specs=[dg.AssetCheckSpec(RECONCILED, asset="stripe_invoices", blocking=True)],
    description="The period's finalised invoices of merchants connected to Stripe, exported exactly once: "
    "customer, draft, one item per line, finalised, sent (send_invoice). Invoices Stripe could not be reached "
    "for stay pending and are retried by the next run (the hourly stripe_export schedule).",
)
def stripe_invoices(
    context: dg.AssetExecutionContext,
    postgres: PostgresResource,
    stripe: StripeResource,
) -> dg.MaterializeResult:  # type: ignore[type-arg]
    period = dt.date.fromisoformat(context.partition_key)
    settings = stripe.settings()

    def connect() -> AbstractContextManager[Conn]:
        return postgres.connect()

    report = export.export_invoices(connect, settings, period=period)
    context.log.info(
        f"{period:%Y-%m}: exported {report.exported}, skipped {report.skipped}, failed {report.failed}, "
        f"pending {report.pending}"
    )
    checked, discrepancies = export.reconcile(connect, settings, period)
    return dg.MaterializeResult(
        metadata={
            "exported": report.exported,
            "skipped": report.skipped,
            "failed": report.failed,
            "pending": report.pending,
            "merchants_stopped": len(report.stopped_merchants),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=RECONCILED,
                passed=not discrepancies,
                description="Each exported invoice, read back from Stripe, has BillBo's total and number of lines.",
                metadata={
                    "checked": checked,
                    "discrepancies": len(discrepancies),
                    "examples": str([f"{d.invoice_id}: {d.problem}" for d in discrepancies[:5]]),
                },
            )
        ],
    )


stripe_export_job = dg.define_asset_job("stripe_export_job", selection=[stripe_invoices])


@dg.schedule(job=stripe_export_job, cron_schedule="25 * * * *", execution_timezone="UTC", name="stripe_export")
def stripe_export(context: dg.ScheduleEvaluationContext, postgres: PostgresResource) -> list[dg.RunRequest]:
    """Every hour, one run per period with invoices still to export: those Stripe could not be
    reached for, and those of merchants who connected Stripe after their invoices were finalised."""
    now = (context.scheduled_execution_time or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    with postgres.connect() as conn:
        periods = export.periods_to_export(conn)
    return [dg.RunRequest(partition_key=p.isoformat(), run_key=f"stripe-{p}@{now:%Y-%m-%dT%H}") for p in periods]
