"""The route class every BillBo route uses: a JSON body must be an object, whatever the model."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from billbo.http.errors import install_error_handlers
from billbo.http.routing import api_router


class AllOptional(BaseModel):
    name: str | None = None


router = api_router()


@router.patch("/things")
def patch_thing(body: AllOptional) -> dict[str, str | None]:
    return body.model_dump(exclude_unset=True)


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    return TestClient(app)


@pytest.mark.parametrize("body", ["2.8128121087354877e+20", "2.5", "0", "[]", '"text"', "true", "null"])
def test_a_body_that_is_not_an_object_is_refused_naming_the_body(client: TestClient, body: str) -> None:
    response = client.patch("/things", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"] == [{"field": "body", "message": "must be a JSON object"}]


def test_an_object_is_read_as_before(client: TestClient) -> None:
    response = client.patch("/things", json={"name": "x"})
    assert (response.status_code, response.json()) == (200, {"name": "x"})
    assert client.patch("/things", json={}).json() == {}
