"""The ingest API application."""

from __future__ import annotations

from fastapi import FastAPI

from billbo.http.app import create_service_app
from billbo.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        service="ingest",
        title="BillBo ingest API",
        description="Usage events from merchants' backends, authenticated with `bb_...` API keys.",
        settings=settings or get_settings(),
    )
