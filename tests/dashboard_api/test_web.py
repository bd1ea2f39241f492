"""The dashboard API serves the built web dashboard: its files, index.html for every page, the API
untouched (billbo/http/web.py).

Each test writes its own build (an index.html and a hashed script, as Vite makes them) and runs the
app without its lifespan: serving files needs no database.
"""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

from billbo.http.web import CONTENT_SECURITY_POLICY, IMMUTABLE
from billbo.settings import Settings
from dashboard_api.app import create_app

INDEX = b'<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head></html>\n'
SCRIPT = b"document.body.append('BillBo')\n"
SECRET = "not-for-the-web"
JAVASCRIPT = {"text/javascript; charset=utf-8", "application/javascript"}


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_bytes(INDEX)
    (dist / "assets" / "app-abc123.js").write_bytes(SCRIPT)
    (dist / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (dist / ".billbo-build-sha256").write_text("the bootstrap's stamp\n")
    (tmp_path / "secret.txt").write_text(SECRET)
    (dist / "assets" / "leak.js").symlink_to(tmp_path / "secret.txt")
    (dist / "leak.txt").symlink_to(tmp_path / "secret.txt")
    return dist


def _app(server_settings: Settings, dist: Path) -> FastAPI:
    return create_app(server_settings.model_copy(update={"web_dist": dist}))


@pytest.fixture
def app(server_settings: Settings, dist: Path) -> FastAPI:
    return _app(server_settings, dist)


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="https://testserver")


@pytest.mark.parametrize("path", ["/", "/customers/123", "/invoices/0190c1e2/lines?tab=tiers", "/readyz-like"])
def test_every_page_is_index_html(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})  # no cookie, no CSRF token: a page is public
    assert response.status_code == 200, response.text
    assert response.content == INDEX
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "x-request-id" in response.headers


def test_the_policy_allows_the_apps_own_scripts_and_api_calls_only() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["img-src"] == "'self' data:"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == directives["form-action"] == "'self'"


def test_head_answers_the_headers_of_get(client: TestClient) -> None:
    response = client.head("/customers/123")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(INDEX))
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    asset = client.head("/assets/app-abc123.js")
    assert (asset.status_code, asset.headers["cache-control"]) == (200, IMMUTABLE)


def test_hashed_assets_are_cached_for_a_year_other_files_revalidated(client: TestClient) -> None:
    script = client.get("/assets/app-abc123.js")
    assert script.status_code == 200
    assert script.content == SCRIPT
    assert script.headers["content-type"] in JAVASCRIPT
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert script.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in script.headers
    icon = client.get("/favicon.svg")
    assert (icon.status_code, icon.headers["content-type"], icon.headers["cache-control"]) == (
        200,
        "image/svg+xml",
        "no-cache",
    )


def test_an_unchanged_page_is_304(client: TestClient) -> None:
    etag = client.get("/").headers["etag"]
    again = client.get("/customers", headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["cache-control"] == "no-cache"


def test_a_missing_asset_is_404_not_a_page(client: TestClient) -> None:
    for path in ("/assets/app-old999.js", "/assets", "/assets/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/nope", 404),
        ("GET", "/api", 404),
        ("GET", "/api/customers/123/nothing-here", 404),
        ("PATCH", "/api/nowhere", 404),
        ("GET", "/webhooks/nothing", 404),
        ("POST", "/customers/123", 405),  # a page takes GET and HEAD only
    ],
)
def test_the_apis_paths_stay_the_apis(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path, headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] in {"not_found", "method_not_allowed"}


def test_health_and_the_api_documents_are_unchanged(client: TestClient, app: FastAPI) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "service": "dashboard"}
    assert "swagger-ui" in client.get("/docs").text
    assert "redoc" in client.get("/redoc").text
    document = client.get("/openapi.json").json()
    assert not [
        path for path in document["paths"] if not path.startswith(("/api/", "/webhooks/", "/healthz", "/readyz"))
    ]


def test_the_pages_are_not_in_the_openapi_document(server_settings: Settings, app: FastAPI, tmp_path: Path) -> None:
    without = _app(server_settings, tmp_path / "missing")
    assert app.openapi() == without.openapi()


def _raw_get(app: FastAPI, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (a client would normalise the dots away)."""
    messages: list[Message] = []
    scope: dict[str, object] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 443),
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    async def get() -> None:
        await app(scope, receive, send)

    anyio.run(get)
    return messages[0]["status"], b"".join(m.get("body", b"") for m in messages[1:])


@pytest.mark.parametrize(
    "path",
    [
        "/assets/../../secret.txt",
        "/../secret.txt",
        "/assets/../../../../../../etc/passwd",
        "/assets/%2e%2e/%2e%2e/secret.txt",
        "/.billbo-build-sha256",
        "/assets/.hidden.js",
        "/assets/..\\..\\secret.txt",
        "/a\x00b",
    ],
)
def test_nothing_outside_the_build_is_served(app: FastAPI, client: TestClient, path: str) -> None:
    status, body = _raw_get(app, path)
    assert status == 404, (path, body)
    assert SECRET.encode() not in body and b"root:" not in body
    encoded = client.get(path.replace("..", "%2e%2e").replace("\x00", "%00"))
    assert encoded.status_code == 404, path


def test_a_link_out_of_the_build_is_not_followed(client: TestClient) -> None:
    assert client.get("/assets/leak.js").status_code == 404
    page = client.get("/leak.txt")  # not a file of the build: a page
    assert (page.status_code, page.content) == (200, INDEX)


def test_without_a_build_the_pages_say_how_to_build_it_and_the_api_works(
    server_settings: Settings, tmp_path: Path
) -> None:
    client = TestClient(_app(server_settings, tmp_path / "missing"), base_url="https://testserver")
    for path in ("/", "/customers/123"):
        response = client.get(path)
        assert response.status_code == 503, path
        error = response.json()["error"]
        assert error["code"] == "dashboard_not_built"
        assert "npm --prefix web run build" in error["message"]
    assert client.get("/assets/app-abc123.js").status_code == 404
    assert client.get("/api/nope").json()["error"]["code"] == "not_found"
    assert client.get("/healthz").status_code == 200


def test_a_build_made_while_the_server_runs_is_served_at_once(server_settings: Settings, tmp_path: Path) -> None:
    later = tmp_path / "later"
    client = TestClient(_app(server_settings, later), base_url="https://testserver")
    assert client.get("/").status_code == 503
    later.mkdir()
    (later / "index.html").write_bytes(INDEX)
    assert client.get("/").content == INDEX
