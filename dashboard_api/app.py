"""The dashboard API application."""

from __future__ import annotations

from fastapi import FastAPI

from billbo.http.app import create_service_app
from billbo.settings import Settings, get_settings
from dashboard_api.auth import router as auth


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        service="dashboard",
        title="BillBo dashboard API",
        description="Accounts, seats, API keys, customers, SKUs and pricing, usage and invoices.",
        settings=settings or get_settings(),
        routers=[auth.router],
    )
