"""``DbConn``: one transaction per request, committed before the answer is sent, rolled back when
the handler raises; one connection shared by every dependency of a request; 503 when Postgres
cannot give a connection."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated, Any

import psycopg
import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from billbo.errors import Conflict
from billbo.http import deps
from billbo.http.app import create_service_app
from billbo.http.deps import DbConn
from billbo.http.routing import api_router
from billbo.settings import Settings

TABLE = "test_request_transaction"

router = api_router()


def _backend_pid(conn: DbConn) -> int:
    row = conn.execute("select pg_backend_pid()").fetchone()
    assert row is not None
    return int(row[0])


BackendPid = Annotated[int, Depends(_backend_pid)]


@router.post("/rows/{name}", status_code=201)
def add_row(conn: DbConn, name: str) -> dict[str, str]:
    conn.execute(f"insert into {TABLE} (name) values (%s)", [name])
    return {"name": name}


@router.post("/rows/{name}/refused")
def add_then_refuse(conn: DbConn, name: str) -> None:
    conn.execute(f"insert into {TABLE} (name) values (%s)", [name])
    raise Conflict("refused after a write")


@router.post("/rows/{name}/broken")
def add_then_break(conn: DbConn, name: str) -> None:
    conn.execute(f"insert into {TABLE} (name) values (%s)", [name])
    raise RuntimeError("an unexpected error after a write")


@router.get("/same-connection")
def same_connection(conn: DbConn, pid: BackendPid) -> dict[str, Any]:
    return {"same": _backend_pid(conn) == pid, "in_transaction": conn.info.transaction_status.name}


@pytest.fixture
def table(pg: psycopg.Connection[tuple[object, ...]]) -> Iterator[None]:
    pg.execute(f"create table if not exists {TABLE} (name text primary key)")
    pg.execute(f"truncate {TABLE}")
    pg.commit()
    yield
    pg.execute(f"drop table {TABLE}")
    pg.commit()


@pytest.fixture
def client(settings: Settings, table: None) -> Iterator[TestClient]:
    app: FastAPI = create_service_app(service="test", title="t", description="d", settings=settings, routers=[router])
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _names(pg: psycopg.Connection[tuple[object, ...]]) -> set[object]:
    names = {row[0] for row in pg.execute(f"select name from {TABLE}")}
    pg.commit()
    return names


def test_a_successful_request_is_committed_before_its_answer(
    client: TestClient, pg: psycopg.Connection[tuple[object, ...]]
) -> None:
    name = uuid.uuid4().hex
    assert client.post(f"/rows/{name}").status_code == 201
    assert _names(pg) == {name}  # visible to another connection as soon as the answer arrived


@pytest.mark.parametrize(("suffix", "status"), [("refused", 409), ("broken", 500)])
def test_an_error_answer_leaves_nothing_behind(
    client: TestClient, pg: psycopg.Connection[tuple[object, ...]], suffix: str, status: int
) -> None:
    response = client.post(f"/rows/{uuid.uuid4().hex}/{suffix}")
    assert response.status_code == status
    assert _names(pg) == set()
    # The connection went back to the pool clean: the next request commits normally.
    assert client.post("/rows/after").status_code == 201
    assert _names(pg) == {"after"}


def test_every_dependency_of_a_request_shares_its_connection(client: TestClient) -> None:
    assert client.get("/same-connection").json() == {"same": True, "in_transaction": "INTRANS"}


def test_no_free_connection_is_a_503_not_a_wait_forever(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deps, "CONNECTION_WAIT_SECONDS", 0.2)
    pool = client.app.state.resources.postgres  # type: ignore[attr-defined]
    held = [pool.getconn() for _ in range(pool.max_size)]
    try:
        response = client.post("/rows/never")
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "service_unavailable"
        assert response.headers["retry-after"] == "1"
    finally:
        for conn in held:
            pool.putconn(conn)
    assert client.post("/rows/later").status_code == 201
