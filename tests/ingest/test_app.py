from __future__ import annotations

from fastapi.testclient import TestClient

from billbo.settings import Settings
from ingest.app import create_app


def test_openapi_describes_the_ingest_api(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "BillBo ingest API"
    assert {"/healthz", "/readyz"} <= schema["paths"].keys()
    assert "503" in schema["paths"]["/readyz"]["get"]["responses"]
