"""The dashboard API application, which also serves the web dashboard (billbo/http/web.py)."""

from __future__ import annotations

from fastapi import FastAPI

from billbo.http.app import create_service_app
from billbo.settings import Settings, get_settings
from dashboard_api.api_keys import router as api_keys
from dashboard_api.auth import router as auth
from dashboard_api.customers import router as customers
from dashboard_api.events import router as events
from dashboard_api.invoices import router as invoices
from dashboard_api.members import router as members
from dashboard_api.settings import router as settings_router
from dashboard_api.skus import router as skus
from dashboard_api.usage import router as usage
from dashboard_api.webhooks import router as webhooks


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    return create_service_app(
        service="dashboard",
        title="BillBo dashboard API",
        description="Accounts, seats, API keys, customers, SKUs and pricing, usage and invoices; Stripe's webhooks.",
        settings=settings,
        routers=[
            auth.router,
            members.router,
            api_keys.router,
            customers.router,
            skus.router,
            events.router,
            usage.router,
            invoices.router,
            settings_router.router,
            webhooks.router,
        ],
        web_dist=settings.web_dist,
    )
