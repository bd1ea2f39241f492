"""``billbo stripe export``: finalised invoices to Stripe on demand, in-process."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager

import psycopg
import typer

from billbo.local.stack import databases_for_a_command
from billbo.postgres.connection import Conn
from billbo.settings import get_settings
from billbo.stripe import export

stripe_app = typer.Typer(help="Stripe.", no_args_is_help=True)


@stripe_app.command("export")
def export_command(
    period: str | None = typer.Option(None, help="Billing period, YYYY-MM (default: every period)"),
) -> None:
    """Export finalised invoices not yet in Stripe (all connected merchants), exactly once: a run
    that stops resumes where it stopped. Exit 1 if any invoice failed or is left pending."""
    start = None
    if period is not None:
        try:
            start = dt.date.fromisoformat(f"{period}-01")
        except ValueError:
            raise typer.BadParameter("use YYYY-MM, e.g. 2026-11", param_hint="--period") from None
    settings = get_settings()
    with databases_for_a_command(settings) as databases:

        def connect() -> AbstractContextManager[Conn]:
            return psycopg.connect(databases.postgres_url)

        planned = export.plan(connect, start)
        report = export.ExportReport()
        total = sum(len(ids) for ids in planned.values())
        with typer.progressbar(length=total, label="exporting to Stripe") as bar:
            for merchant_id, invoice_ids in planned.items():
                export.export_merchant(
                    connect, settings, merchant_id, invoice_ids, report, on_invoice=lambda _id, _outcome: bar.update(1)
                )
    typer.echo(
        f"exported {report.exported}, skipped {report.skipped} (zero), failed {report.failed}, "
        f"pending {report.pending} (Stripe unreachable: run again), busy {report.busy}"
    )
    for merchant_id in report.stopped_merchants:
        typer.echo(f"merchant {merchant_id}: Stripe refused its key; reconnect Stripe, then run again", err=True)
    if report.failed or report.pending:
        raise typer.Exit(1)
