"""The dashboard API's OpenAPI document as the web dashboard's typed client is generated from.

``python -m billbo.http.openapi_document`` prints it; ``web/scripts/generate-api.mjs`` runs this and
``tests/web/test_api_client.py`` compares the committed copy with it. Built from the default
settings whatever the environment holds, so the same code always gives the same document (the
body limit in force would otherwise change the documented 413s).
"""

from __future__ import annotations

import json
import os
from typing import Any
from unittest import mock


def dashboard_openapi() -> dict[str, Any]:
    from dashboard_api.app import create_app  # noqa: PLC0415 - the app imports the whole API
    from billbo.settings import Settings  # noqa: PLC0415

    defaults = {name: value for name, value in os.environ.items() if not name.startswith("BILLBO_")}
    with mock.patch.dict(os.environ, defaults, clear=True):
        settings = Settings()
    return create_app(settings).openapi()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(render(dashboard_openapi()), end="")
