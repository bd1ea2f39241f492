"""An unexpected error: one 500 in the error shape, a connection that keeps working, a log line
without the request's secrets."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from billbo.http.app import create_service_app
from billbo.http.routing import api_router
from billbo.logs import configure_logging, scrub
from billbo.settings import Settings
from tests.conftest import free_port

API_KEY = "bb_" + "K" * 40
PASSWORD = "hunter2-but-longer-than-twelve"

broken = api_router()


@broken.post("/boom")
async def boom(request: Request) -> None:
    authorization = request.headers["authorization"]  # a local holding the caller's key
    body = await request.json()
    password = body["password"]  # and one holding a password
    raise RuntimeError(f"something broke for {len(authorization)}/{len(password)}")


@broken.get("/fine")
async def fine(request: Request) -> dict[str, int]:
    assert request.client is not None
    return {"port": request.client.port}


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_service_app(service="test", title="t", description="d", settings=settings, routers=[broken])


@pytest.fixture
def served(app: FastAPI, settings: Settings) -> Iterator[str]:
    configure_logging(settings)  # as serve() does: BillBo's renderers, not structlog's defaults
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, http="httptools"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_server_error_leaves_the_connection_open(served: str) -> None:
    with httpx.Client(base_url=served, timeout=60) as client:
        before = client.get("/fine").json()["port"]
        failed = client.post("/boom", json={"password": PASSWORD}, headers={"Authorization": f"Bearer {API_KEY}"})
        assert failed.status_code == 500
        assert failed.json() == {
            "error": {"code": "internal_error", "message": "Something went wrong on our side.", "details": None}
        }
        assert failed.headers["x-request-id"]
        after = client.get("/fine")  # the same keep-alive connection: the client's port is unchanged
        assert after.status_code == 200
        assert after.json()["port"] == before


@pytest.mark.parametrize("log_format", ["console", "json"])
def test_a_traceback_shows_no_local_and_no_secret(app: FastAPI, settings: Settings, log_format: str) -> None:
    stream = io.StringIO()
    configure_logging(settings.model_copy(update={"env": "development", "log_format": log_format}), stream=stream)
    with TestClient(app) as client:
        response = client.post("/boom", json={"password": PASSWORD}, headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 500
    logged = stream.getvalue()
    assert f"RuntimeError: something broke for {len(API_KEY) + 7}/{len(PASSWORD)}" in logged  # the traceback
    assert API_KEY not in logged and API_KEY[:16] not in logged
    assert PASSWORD not in logged
    assert "authorization =" not in logged.lower()  # no locals section at all


def test_scrub_masks_secret_shapes_in_any_text() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"
    text = (
        f"key {API_KEY} token={jwt} url=postgresql://billbo:s3cret-pw@db:5432/billbo "
        '{"password": "p4ssw0rd!", "csrf_token": "abc"} Authorization: Bearer xyz sk_live_abcdefghij'
    )
    cleaned = scrub(text)
    for secret in (API_KEY, jwt, "s3cret-pw", "p4ssw0rd!", '"abc"', "Bearer xyz", "sk_live_abcdefghij"):
        assert secret not in cleaned, secret
    assert "postgresql://billbo:[redacted]@db:5432/billbo" in cleaned


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_over_the_limit_is_413_before_it_is_read_whole(settings: Settings, chunked: bool) -> None:
    limited = settings.model_copy(update={"max_body_bytes": 1000})
    app = create_service_app(service="test", title="t", description="d", settings=limited, routers=[broken])
    body = b'{"password": "' + b"x" * 2000 + b'"}'
    content = (body[i : i + 100] for i in range(0, len(body), 100)) if chunked else body
    with TestClient(app) as client:
        response = client.post("/boom", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
