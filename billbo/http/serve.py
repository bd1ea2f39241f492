"""Run an API with uvicorn, BillBo's logging and settings."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from billbo.logs import configure_logging
from billbo.settings import Settings, get_settings


def serve(create_app: Callable[[Settings], FastAPI], port_of: Callable[[Settings], int]) -> None:
    settings = get_settings()
    configure_logging(settings)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=port_of(settings),
        log_config=None,
        access_log=False,
        http="httptools",
        loop="uvloop",
        timeout_graceful_shutdown=10,
    )
