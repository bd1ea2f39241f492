"""The parts of both APIs' OpenAPI documents that every route shares, written once.

FastAPI documents what each handler declares; the answers BillBo's skeleton gives on any route are
added here, so the documents list every status the servers send (docs/decisions.md, D13):

* 400 ``malformed_json`` and 413 ``payload_too_large`` on every operation with a request body;
* 422 in BillBo's one error shape (not FastAPI's ``HTTPValidationError``) on every operation with
  parameters or a body;
* every free-text string forbids the NUL character (``pattern``), as the server does
  (billbo/http/routing.py): no string with one can be stored.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from billbo.http.errors import ErrorResponse

_ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
_METHODS = ("get", "put", "post", "delete", "patch")
NO_NUL = "^[^\\u0000]*$"
_CONSTRAINED = ("pattern", "format", "enum", "const")


def install_openapi(app: FastAPI, max_body_bytes: int) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            app.openapi_schema = with_shared_errors(document, max_body_bytes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def with_shared_errors(document: dict[str, Any], max_body_bytes: int) -> dict[str, Any]:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in (
        ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}").pop("$defs", {}).items()
    ):
        schemas.setdefault(name, schema)
    schemas.setdefault("ErrorResponse", ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}"))
    for item in document.get("paths", {}).values():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            has_body = "requestBody" in operation
            if has_body:
                responses.setdefault("400", _error("The body is not UTF-8 JSON (code malformed_json)."))
                too_large = f"The body is larger than {max_body_bytes} bytes (code payload_too_large)."
                responses.setdefault("413", _error(too_large))
            if has_body or operation.get("parameters"):
                existing = responses.get("422", {})
                responses["422"] = _error(existing.get("description") or "Invalid fields; details name each one.")
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    _forbid_nul(document)
    return document


def _forbid_nul(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and not any(key in node for key in _CONSTRAINED):
            node["pattern"] = NO_NUL
        for key, value in node.items():
            if key not in ("examples", "example", "default"):
                _forbid_nul(value)
    elif isinstance(node, list):
        for item in node:
            _forbid_nul(item)


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}}
