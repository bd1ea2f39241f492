"""The skeleton both APIs are built on: resources, request ids, the error shape, health."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI
from psycopg_pool import ConnectionPool

import billbo
from billbo.clickhouse.client import LazyClient
from billbo.http.errors import install_error_handlers
from billbo.http.health import health_router
from billbo.http.middleware import BodyLimitMiddleware, MethodsMiddleware, RequestContextMiddleware
from billbo.http.openapi import install_openapi
from billbo.postgres.connection import create_pool
from billbo.settings import Settings


@dataclass
class Resources:
    """What a request handler may use; built once per process in the app's lifespan."""

    settings: Settings
    postgres: ConnectionPool
    clickhouse: LazyClient

    def close(self) -> None:
        self.clickhouse.close()
        self.postgres.close()


def open_resources(settings: Settings) -> Resources:
    """The databases are those of the settings: ``billbo up`` passes their URLs to its services, and
    a process started by hand resolves them in its entry point (``python -m ingest``)."""
    if settings.postgres_url is None or settings.clickhouse_url is None:
        raise RuntimeError("the services need BILLBO_POSTGRES_URL and BILLBO_CLICKHOUSE_URL")
    pool = create_pool(settings.postgres_url.get_secret_value())
    pool.open(wait=False)
    return Resources(
        settings=settings, postgres=pool, clickhouse=LazyClient(settings.clickhouse_url.get_secret_value())
    )


ServiceLifespan = Callable[[FastAPI, Resources], AbstractAsyncContextManager[None]]


def create_service_app(
    *,
    service: str,
    title: str,
    description: str,
    settings: Settings,
    routers: Sequence[APIRouter] = (),
    service_lifespan: ServiceLifespan | None = None,
    inner_middleware: Sequence[Any] = (),
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.resources = resources = open_resources(settings)
        try:
            if service_lifespan is None:
                yield
            else:
                async with service_lifespan(app, resources):
                    yield
        finally:
            resources.close()

    app = FastAPI(title=title, description=description, version=billbo.__version__, lifespan=lifespan)
    # Starlette wraps each added middleware around the ones added before it, so the body limit is
    # innermost: a route that reads its body itself with its own limit (the ingest fast path) is
    # answered before it.
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(MethodsMiddleware)
    for middleware in inner_middleware:  # inside the request context: same request ids and logs
        app.add_middleware(middleware)
    app.add_middleware(RequestContextMiddleware)
    install_error_handlers(app)
    app.include_router(health_router(service))
    for router in routers:
        app.include_router(router)
    install_openapi(app, settings.max_body_bytes)
    return app
