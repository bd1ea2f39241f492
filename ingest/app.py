"""The ingest API application."""

from __future__ import annotations

from fastapi import FastAPI

from billbo.http.app import create_service_app
from billbo.settings import Settings, get_settings
from ingest import metrics_router
from ingest.customers import router as customers
from ingest.events import router as events
from ingest.events.fast_path import EventsFastPath
from ingest.state import ingest_lifespan


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    return create_service_app(
        service="ingest",
        title="BillBo ingest API",
        description="Usage events from merchants' backends, authenticated with `Authorization: Bearer bb_...` "
        'API keys. Errors have one shape: `{"error": {"code", "message", "details"}}`.',
        settings=settings,
        routers=[events.router_for(settings), customers.router, metrics_router.router],
        service_lifespan=ingest_lifespan,
        inner_middleware=[EventsFastPath],
    )
