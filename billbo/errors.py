"""BillBo's one error base class: an HTTP status, a stable machine-readable code, details."""

from __future__ import annotations

from typing import Any, ClassVar


class BillboError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(BillboError):
    status_code = 404
    code = "not_found"


class ServiceUnavailable(BillboError):
    status_code = 503
    code = "service_unavailable"
