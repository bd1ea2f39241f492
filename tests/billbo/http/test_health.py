"""Both APIs: /healthz, /readyz, request ids and the one error shape."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from billbo.logs import configure_logging
from billbo.settings import Settings
from dashboard_api.app import create_app as create_dashboard
from ingest.app import create_app as create_ingest

APPS: dict[str, Callable[[Settings], FastAPI]] = {"ingest": create_ingest, "dashboard": create_dashboard}


@pytest.fixture(params=sorted(APPS))
def service(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_healthz_answers_while_the_process_is_up(service: str, settings: Settings) -> None:
    with TestClient(APPS[service](settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": service}


def test_readyz_reports_each_dependency(service: str, settings: Settings) -> None:
    with TestClient(APPS[service](settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"postgres", "clickhouse", "migrations"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["migrations"]["detail"] == "all applied"


def test_readyz_is_503_when_clickhouse_is_unreachable(service: str, settings: Settings) -> None:
    broken = settings.model_copy(update={"clickhouse_url": SecretStr("http://127.0.0.1:1/billbo")})
    with TestClient(APPS[service](broken)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["postgres"]["ok"] is True
    assert checks["clickhouse"]["ok"] is False
    assert checks["migrations"] == {
        "ok": False,
        "latency_ms": 0.0,
        "detail": "skipped: a database is unreachable",
    }


def test_readyz_is_503_while_migrations_are_pending(settings: Settings, tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(settings.migrations_dir, migrations)
    (migrations / "postgres" / "29991231000000_future_change.sql").write_text("-- migrate:up\nselect 1;\n")
    ahead = settings.model_copy(update={"migrations_dir": migrations})
    with TestClient(create_ingest(ahead)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "29991231000000" in response.json()["checks"]["migrations"]["detail"]


def test_every_response_carries_a_request_id(settings: Settings) -> None:
    with TestClient(create_ingest(settings)) as client:
        generated = client.get("/healthz").headers["x-request-id"]
        assert len(generated) == 32
        assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
        # Anything that could forge log lines is replaced.
        assert client.get("/healthz", headers={"X-Request-ID": "a\tb c"}).headers["x-request-id"] != "a\tb c"


def test_errors_have_the_one_shape(service: str, settings: Settings) -> None:
    with TestClient(APPS[service](settings)) as client:
        # Under /api: the dashboard answers any other path with a page of the web dashboard.
        response = client.get("/api/no/such/route")
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Not Found", "details": None}}
        response = client.post("/healthz")
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"


def test_request_logs_are_json_with_the_request_id_in_production_format(settings: Settings) -> None:
    stream = io.StringIO()
    configure_logging(settings.model_copy(update={"log_format": "json"}), stream=stream)
    try:
        with TestClient(create_ingest(settings)) as client:
            client.get("/healthz", headers={"X-Request-ID": "trace-me"})
    finally:
        configure_logging(settings)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    request_lines = [line for line in lines if line.get("event") == "request"]
    assert request_lines, lines
    assert request_lines[-1]["request_id"] == "trace-me"
    assert request_lines[-1]["path"] == "/healthz"
    assert request_lines[-1]["status"] == 200
    assert {"timestamp", "level"} <= request_lines[-1].keys()
