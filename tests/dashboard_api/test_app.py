from __future__ import annotations

from fastapi.testclient import TestClient

from billbo.settings import Settings
from dashboard_api.app import create_app


def test_openapi_describes_the_dashboard_api(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "BillBo dashboard API"
    assert {"/healthz", "/readyz"} <= schema["paths"].keys()
