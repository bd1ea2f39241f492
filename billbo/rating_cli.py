"""``billbo rate`` and ``billbo invoices close``: the pipeline on demand, in-process."""

from __future__ import annotations

import calendar
import datetime as dt

import dagster as dg
import psycopg
import typer

from billbo.invoicing import service as invoicing
from billbo.local_stack import database_urls
from billbo.settings import get_settings

invoices_app = typer.Typer(help="Invoices.", no_args_is_help=True)


def rate(period: str = typer.Option(..., help="Billing period, YYYY-MM")) -> None:
    """Load the period's usage day by day, rate it with dbt and refresh its draft invoices."""
    from orchestration.definitions import build_definitions  # noqa: PLC0415 - Dagster loads only when asked
    from orchestration.invoicing.assets import invoice_drafts  # noqa: PLC0415
    from orchestration.rating.assets import rated_usage  # noqa: PLC0415
    from orchestration.usage.assets import daily_usage  # noqa: PLC0415

    try:
        start = dt.date.fromisoformat(f"{period}-01")
    except ValueError:
        raise typer.BadParameter("use YYYY-MM, e.g. 2026-11", param_hint="--period") from None
    days = calendar.monthrange(start.year, start.month)[1]
    resources = build_definitions(database_urls(get_settings())).resources or {}
    with typer.progressbar(range(days), label=f"usage {period}") as progress:
        for day in progress:
            result = dg.materialize([daily_usage], partition_key=(start + dt.timedelta(days=day)).isoformat(),
                                    resources=resources, raise_on_error=True)  # fmt: skip
            assert result.success
    typer.echo("rating with dbt and refreshing draft invoices...")
    dg.materialize([rated_usage, invoice_drafts], partition_key=start.isoformat(), resources=resources,
                   selection=[rated_usage, invoice_drafts], raise_on_error=True)  # fmt: skip
    typer.echo(f"{period}: rated, draft invoices refreshed")


@invoices_app.command("close")
def close() -> None:
    """Finalise every draft whose period and grace period are over (gapless numbers)."""
    with psycopg.connect(database_urls(get_settings()).postgres_url) as conn:
        finalized = invoicing.finalize_due(conn, dt.datetime.now(dt.UTC))
    typer.echo(f"finalized {finalized} invoice(s)")
