"""``python -m dashboard_api.openapi``: the dashboard API's OpenAPI document, as ``web/openapi.json``
holds it for the web dashboard's typed client (``web/scripts/generate-api.mjs`` writes it and
``tests/web/test_api_client.py`` holds the committed copy to it). Here, not in ``billbo/http/``: the
core never imports the APIs (tests/test_layers.py).

Built from the settings' defaults, never from the environment, so that the document is the same
whoever generates it: it depends on one setting, ``BILLBO_MAX_BODY_BYTES`` (in each body's 413), and
``BILLBO_ENV=production`` without its secrets would not even build the app.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from billbo.settings import Settings
from dashboard_api.app import create_app


def document() -> dict[str, Any]:
    return create_app(Settings.model_construct()).openapi()  # model_construct: the defaults, no environment


def document_text() -> str:
    return json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(document_text())
