"""The skeleton both APIs are built on: resources, request ids, the error shape, health, the web dashboard."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI

import billbo
from billbo.http.errors import ErrorResponse, install_error_handlers
from billbo.http.health import health_router
from billbo.http.middleware import BodyLimitMiddleware, MethodsMiddleware, RequestContextMiddleware
from billbo.http.openapi import install_openapi
from billbo.http.resources import Resources, open_resources
from billbo.http.web import install_web_dashboard
from billbo.settings import Settings

UNAVAILABLE: dict[str, Any] = {
    "model": ErrorResponse,
    "description": "A database cannot be reached right now; retry after Retry-After seconds.",
}

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
    web_dist: Path | None = None,
) -> FastAPI:
    """The app of one service; with ``web_dist``, it also serves the web dashboard built there at
    every path that is not the API's (billbo/http/web.py)."""

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
    for router in routers:  # every route but health needs a database: a 503 is documented once here
        app.include_router(router, responses={503: UNAVAILABLE})
    if web_dist is not None:  # last: it takes the paths no route above has
        install_web_dashboard(app, web_dist)
    install_openapi(app, settings.max_body_bytes)
    return app
