"""The ``billbo`` command: ``up``, ``migrate`` and ``status``; the pipeline commands come from ``pipeline``."""

from __future__ import annotations

import json
import signal
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import typer

from billbo.cli import pipeline, stripe
from billbo.clickhouse.client import ClickHouseLocation
from billbo.local import processes
from billbo.local.run_lock import AlreadyRunning, RunLock
from billbo.local.services import Service, all_services, api_services, grpc_serving, service_env
from billbo.local.stack import DatabaseServers, database_urls, databases_for_a_command
from billbo.logs import configure_logging, get_logger
from billbo.migrations import runner
from billbo.settings import Settings, get_settings

app = typer.Typer(help="BillBo: usage-based billing.", no_args_is_help=True, add_completion=False)
log = get_logger("billbo.cli")


def _line(name: str, state: str, where: str, note: str = "") -> None:
    typer.echo(f"{name:<11} {state:<6} {where}" + (f"  ({note})" if note else ""))


def _redact(url: str) -> str:
    """A URL without its password, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _check_ports(settings: Settings) -> None:
    wanted = []
    if settings.embedded_postgres:
        wanted.append(("BILLBO_LOCAL_POSTGRES_PORT", "127.0.0.1", settings.local_postgres_port))
    if settings.embedded_clickhouse:
        wanted.append(("BILLBO_LOCAL_CLICKHOUSE_PORT", "127.0.0.1", settings.local_clickhouse_port))
    wanted += [
        ("BILLBO_INGEST_PORT", settings.host, settings.ingest_port),
        ("BILLBO_DASHBOARD_PORT", settings.host, settings.dashboard_port),
        ("BILLBO_DAGSTER_PORT", settings.host, settings.dagster_port),
        ("BILLBO_DAGSTER_CODE_PORT", settings.host, settings.dagster_code_port),
    ]
    busy = [f"{port} ({name})" for name, host, port in wanted if not processes.port_is_free(host, port)]
    if busy:
        raise processes.StartupError(f"ports already in use: {', '.join(busy)}")


def _raise_interrupt(*_: Any) -> None:
    raise KeyboardInterrupt


@app.command()
def up() -> None:
    """Start the databases (embedded unless URLs are set), migrate, and run every service."""
    settings = get_settings()
    configure_logging(settings)
    lock = RunLock(settings.data_path)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    signal.signal(signal.SIGTERM, _raise_interrupt)
    servers = DatabaseServers(settings)
    services: list[Service] = []
    exit_code = 0
    try:
        _check_ports(settings)
        databases = servers.start()
        _line(
            "postgres",
            "ready",
            _redact(databases.postgres_url),
            f"embedded, {servers.postgres.root}" if servers.postgres else "external",
        )
        _line(
            "clickhouse",
            "ready",
            ClickHouseLocation.parse(databases.clickhouse_url).display(),
            f"embedded chDB, {servers.clickhouse.root}" if servers.clickhouse else "external",
        )
        applied = runner.migrate(settings, databases)
        _line(
            "migrations",
            "done",
            f"applied postgres {len(applied['postgres'])}, clickhouse {len(applied['clickhouse'])}",
            "schemas current",
        )
        env = service_env(settings, databases)
        for service in all_services(settings):
            services.append(service)
            service.start(env, settings.data_path / "logs")
            _line(service.name, "ready", service.url, service.note)
        typer.echo(f"BillBo is up; logs in {settings.data_path / 'logs'}. Press Ctrl-C to stop.")
        while True:
            time.sleep(0.5)
            for service in services:
                if service.process is not None and service.process.poll() is not None:
                    raise processes.StartupError(
                        f"{service.name} exited unexpectedly with code {service.process.returncode}"
                    )
            for server in (servers.postgres, servers.clickhouse):
                if server is not None and server.process is not None and server.process.poll() is not None:
                    raise processes.StartupError(f"{type(server).__name__} exited unexpectedly")
    except KeyboardInterrupt:
        typer.echo("Stopping BillBo...")
    except (processes.StartupError, RuntimeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        exit_code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # an orderly stop, whatever is pressed now
        for service in reversed(services):
            service.stop()
        servers.stop()
        lock.release()
        typer.echo("BillBo stopped.")
    raise typer.Exit(exit_code)


@app.command()
def migrate() -> None:
    """Apply pending Postgres and ClickHouse migrations (starting the embedded servers if needed)."""
    settings = get_settings()
    configure_logging(settings)
    try:
        with databases_for_a_command(settings) as databases:
            applied = runner.migrate(settings, databases)
    except AlreadyRunning as exc:  # `billbo up` started meanwhile: it migrates on its own
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for database, versions in applied.items():
        typer.echo(f"{database}: applied {len(versions)}" + (f" ({', '.join(versions)})" if versions else ""))


def _probe(url: str) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            body = json.loads(response.read())
            return True, str(body.get("status", "ok"))
    except urllib.error.HTTPError as exc:
        try:
            body = json.loads(exc.read())
            failing = [k for k, v in body.get("checks", {}).items() if not v.get("ok")]
            return False, f"not ready: {', '.join(failing)}"
        except ValueError:
            return False, f"HTTP {exc.code}"
    except OSError as exc:
        return False, f"unreachable ({getattr(exc, 'reason', exc)})"


@app.command()
def status() -> None:
    """Show whether the databases and services are up, ready and migrated."""
    settings = get_settings()
    databases = database_urls(settings)
    healthy = True

    def report(name: str, ok: bool, where: str, note: str) -> None:
        nonlocal healthy
        healthy &= ok
        _line(name, "up" if ok else "down", where, note)

    try:
        with psycopg.connect(databases.postgres_url, connect_timeout=3):
            report("postgres", True, _redact(databases.postgres_url), "reachable")
        pg_ok = True
    except psycopg.Error as exc:
        report("postgres", False, _redact(databases.postgres_url), str(exc).splitlines()[0])
        pg_ok = False
    location = ClickHouseLocation.parse(databases.clickhouse_url)
    ch_ok, ch_note = _probe_clickhouse(location)
    report("clickhouse", ch_ok, location.display(), ch_note)
    if pg_ok and ch_ok:
        pending = runner.pending(settings, databases)
        waiting = {k: v for k, v in pending.items() if v}
        report(
            "migrations", not waiting, "postgres, clickhouse", "all applied" if not waiting else f"pending: {waiting}"
        )
    for service in api_services(settings):
        ok, note = _probe(f"{service.url}/readyz")
        report(service.name, ok, service.url, note)
    code = f"grpc://{settings.host}:{settings.dagster_code_port}"
    ok = grpc_serving(settings.host, settings.dagster_code_port, timeout=3)
    report("code-server", ok, code, "definitions loaded" if ok else "unreachable")
    dagster = f"http://{settings.host}:{settings.dagster_port}"
    ok, note = _probe(f"{dagster}/server_info")
    report("dagster", ok, dagster, "UI up" if ok else note)
    raise typer.Exit(0 if healthy else 1)


def _probe_clickhouse(location: ClickHouseLocation) -> tuple[bool, str]:
    scheme = "https" if location.secure else "http"
    try:
        with urllib.request.urlopen(f"{scheme}://{location.host}:{location.port}/ping", timeout=3):
            return True, "reachable"
    except OSError as exc:
        return False, f"unreachable ({getattr(exc, 'reason', exc)})"


app.command()(pipeline.rate)
app.add_typer(pipeline.invoices_app, name="invoices")
app.add_typer(stripe.stripe_app, name="stripe")


def main() -> None:
    app()
