"""BillBo's one error base class: an HTTP status, a stable machine-readable code, details."""

from __future__ import annotations

from typing import Any, ClassVar


class BillboError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(self, message: str, *, details: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers or {}


class NotFound(BillboError):
    status_code = 404
    code = "not_found"


class ServiceUnavailable(BillboError):
    status_code = 503
    code = "service_unavailable"

    def __init__(self, message: str, *, retry_after: int = 1, details: Any = None) -> None:
        super().__init__(message, details=details, headers={"Retry-After": str(retry_after)})


class Unprocessable(BillboError):
    """The request is well-formed but its content breaks a rule; details name each field."""

    status_code = 422
    code = "validation_error"


class Unauthorized(BillboError):
    status_code = 401
    code = "unauthorized"


class Forbidden(BillboError):
    status_code = 403
    code = "forbidden"


class Conflict(BillboError):
    status_code = 409
    code = "conflict"


class TooManyRequests(BillboError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class MalformedJson(BillboError):
    code = "malformed_json"


class PayloadTooLarge(BillboError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaType(BillboError):
    status_code = 415
    code = "unsupported_media_type"
