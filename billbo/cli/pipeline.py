"""``billbo rate`` and ``billbo invoices close``: the pipeline on demand, in-process."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import psycopg
import typer

from billbo.invoices import service as invoicing
from billbo.local.services import dagster_home
from billbo.local.stack import databases_for_a_command
from billbo.settings import get_settings

invoices_app = typer.Typer(help="Invoices.", no_args_is_help=True)


def rate(period: str = typer.Option(..., help="Billing period, YYYY-MM")) -> None:
    """Load the period's usage, rate it with dbt and refresh its draft invoices (as Dagster would)."""
    from orchestration import pipeline  # noqa: PLC0415 - Dagster and dbt load only when asked
    from orchestration.definitions import resources  # noqa: PLC0415

    try:
        start = dt.date.fromisoformat(f"{period}-01")
    except ValueError:
        raise typer.BadParameter("use YYYY-MM, e.g. 2026-11", param_hint="--period") from None
    settings = get_settings()
    # The instance of `billbo up`: these runs show in the Dagster UI beside the scheduled ones.
    instance = dg.DagsterInstance.from_config(str(dagster_home(settings)))
    stages = pipeline.rating_stages(start)
    with databases_for_a_command(settings) as databases, typer.progressbar(length=len(stages), label=period) as bar:
        for done in pipeline.run(stages, resources(databases), instance):
            bar.label = f"{period}: {done.name} done in {done.seconds:.1f} s"
            bar.update(1)
    typer.echo(f"{period}: usage loaded, rated, draft invoices refreshed")


@invoices_app.command("close")
def close() -> None:
    """Finalise every draft whose period and grace period are over (gapless numbers), in one
    transaction: all of them, or none if anything fails."""
    now = dt.datetime.now(dt.UTC)
    with databases_for_a_command(get_settings()) as databases, psycopg.connect(databases.postgres_url) as conn:
        due = invoicing.due_periods(conn, now)
        with typer.progressbar(length=len(due), label="finalising") as progress:
            finalized = invoicing.finalize_due(conn, now, on_period=lambda period, count: progress.update(1))
    typer.echo(f"finalized {finalized} invoice(s) of {len(due)} period(s)")
