"""``/healthz`` (the process is up) and ``/readyz`` (its databases are reachable and migrated)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from billbo.http.deps import AppResources
from billbo.http.routing import api_router
from billbo.migrations import clickhouse as ch_migrations
from billbo.migrations import postgres as pg_migrations
from billbo.migrations.runner import clickhouse_topology


class CheckResult(BaseModel):
    ok: bool
    latency_ms: float
    detail: str | None = None


class ReadinessReport(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, CheckResult]


class HealthReport(BaseModel):
    status: Literal["ok"]
    service: str


def _timed(check: Callable[[], str | None]) -> CheckResult:
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as exc:  # noqa: BLE001 - a failed check is reported, not raised
        detail, ok = f"{type(exc).__name__}: {exc}"[:500], False
    return CheckResult(ok=ok, latency_ms=round((time.perf_counter() - started) * 1000, 2), detail=detail)


def readiness(resources: Any) -> ReadinessReport:
    """Check Postgres, ClickHouse and that both schemas are fully migrated."""
    settings = resources.settings

    def postgres() -> None:
        with resources.postgres.connection(timeout=2) as conn:
            conn.execute("select 1")

    def clickhouse() -> None:
        try:
            resources.clickhouse.get().command("SELECT 1")
        except Exception:
            resources.clickhouse.reset()
            raise

    def migrations() -> str | None:
        with resources.postgres.connection(timeout=2) as conn:
            pg = pg_migrations.pending(conn, settings.migrations_dir / "postgres")
        topology = clickhouse_topology(settings, resources.clickhouse.url)
        ch = ch_migrations.pending(resources.clickhouse.get(), topology, settings.migrations_dir / "clickhouse")
        if pg or ch:
            raise RuntimeError(f"pending migrations: postgres {pg or 'none'}, clickhouse {ch or 'none'}")
        return "all applied"

    checks = {"postgres": _timed(postgres), "clickhouse": _timed(clickhouse)}
    checks["migrations"] = (
        _timed(migrations)
        if all(c.ok for c in checks.values())
        else CheckResult(ok=False, latency_ms=0, detail="skipped: a database is unreachable")
    )
    return ReadinessReport(status="ready" if all(c.ok for c in checks.values()) else "not_ready", checks=checks)


def health_router(service: str) -> APIRouter:
    router = api_router(tags=["health"])

    @router.get("/healthz", response_model=HealthReport, summary="The process is up")
    async def healthz() -> HealthReport:
        return HealthReport(status="ok", service=service)

    @router.get(
        "/readyz",
        response_model=ReadinessReport,
        summary="Postgres and ClickHouse are reachable and migrated",
        responses={503: {"model": ReadinessReport, "description": "Not ready: see the checks"}},
    )
    def readyz(resources: AppResources) -> JSONResponse:
        report = readiness(resources)
        return JSONResponse(report.model_dump(), status_code=200 if report.status == "ready" else 503)

    return router
