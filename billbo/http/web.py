"""The built web dashboard beside an API: its files, and ``index.html`` for every page of the app.

The dashboard is a single-page app: Vite builds it into ``BILLBO_WEB_DIST`` (``web/dist``), an
``index.html`` and content-hashed files under ``assets/``. One route, added after every API route,
answers GET and HEAD on every path that is not the API's:

* A path whose first segment is one of the API's (``/api``, ``/webhooks``, ``/healthz``, ``/docs``,
  ..., read from the API's OpenAPI document, so a new one is never shadowed) does not reach it: an
  unknown API path stays the API's JSON 404, and its methods stay the API's.
* A file of the build is served as it is: ``assets/`` for a year (``immutable``: their names change
  with their content), anything else (``index.html``, a favicon) revalidated on every use
  (``no-cache``, with ETag and Last-Modified).
* Any other path is a page of the app: ``index.html``, whose router shows it. A missing file under
  ``assets/`` is 404 all the same: a page of an older build asking for its scripts must not get HTML.
* A path with a ``.``, ``..`` or hidden segment (``.billbo-build-sha256``, the bootstrap's stamp) is
  404, and no path resolves outside the build, through a symbolic link either.
* With no build (no ``index.html``), a page is 503 ``dashboard_not_built`` naming the command that
  builds it; the API works the same. Files are looked up on each request, so a build made while the
  server runs is served at once.

HTML carries a Content-Security-Policy that allows the app's own scripts, styles (inline styles
too, which UI primitives set), images, fonts and API calls, nothing else, and no framing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from billbo.errors import BillboError, NotFound

ASSETS = "assets"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)


class DashboardNotBuilt(BillboError):
    status_code = 503
    code = "dashboard_not_built"


def install_web_dashboard(app: FastAPI, dist: Path) -> None:
    """Serve the dashboard built in ``dist`` at every path that is not the API's."""
    app.router.routes.append(_PageRoute(WebDashboard(dist).respond))


class WebDashboard:
    def __init__(self, dist: Path) -> None:
        self._files = StaticFiles(directory=dist, check_dir=False)  # its lookup refuses what escapes dist

    async def respond(self, request: Request) -> Response:
        segments = [segment for segment in request.path_params["path"].split("/") if segment]
        if any(segment.startswith(".") or "\\" in segment or "\x00" in segment for segment in segments):
            raise NotFound("No such file.")
        found = await run_in_threadpool(self._lookup, "/".join(segments))
        if found is None:
            if segments[:1] == [ASSETS]:
                raise NotFound("No such file in this build of the dashboard.")
            found = await run_in_threadpool(self._lookup, "index.html")
            if found is None:
                raise DashboardNotBuilt("The web dashboard is not built: run `npm --prefix web run build`.")
        full_path, stat_result = found
        response = self._files.file_response(full_path, stat_result, request.scope)
        hashed = segments[:1] == [ASSETS]  # found, since a missing asset is 404
        response.headers["cache-control"] = IMMUTABLE if hashed else REVALIDATE
        response.headers["x-content-type-options"] = "nosniff"
        if full_path.endswith(".html"):
            response.headers["content-security-policy"] = CONTENT_SECURITY_POLICY
        return response

    def _lookup(self, path: str) -> tuple[str, os.stat_result] | None:
        """The regular file at ``path`` inside the build, else None."""
        try:
            full_path, stat_result = self._files.lookup_path(path)
        except (OSError, ValueError):  # a name too long, or not one a file system takes
            return None
        if stat_result is None or not stat.S_ISREG(stat_result.st_mode):
            return None
        return full_path, stat_result


class _PageRoute(Route):
    """``/{path}`` for GET and HEAD, matching no path whose first segment is one of the API's: those
    of the paths its OpenAPI document lists, and of the document and its pages (``/docs``). Read
    once, at the first request, as MethodsMiddleware reads the document (billbo/http/middleware.py)."""

    def __init__(self, endpoint: Callable[[Request], Awaitable[Response]]) -> None:
        super().__init__("/{path:path}", endpoint, methods=["GET"], name="web_dashboard", include_in_schema=False)
        self._api_segments: frozenset[str] | None = None

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and _first_segment(scope["path"]) in self._api(scope["app"]):
            return Match.NONE, {}
        return super().matches(scope)

    def _api(self, app: FastAPI) -> frozenset[str]:
        if self._api_segments is None:
            paths = [*app.openapi()["paths"], app.openapi_url, app.docs_url, app.redoc_url]
            self._api_segments = frozenset(_first_segment(path) for path in paths if path)
        return self._api_segments


def _first_segment(path: str) -> str:
    return path.split("/")[1]
