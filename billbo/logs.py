"""Structured logging: JSON in production, readable in a terminal, one request id per request.

Everything logs through structlog; the standard library's loggers (uvicorn, dagster, psycopg) are
routed through the same processors so a process writes one format only.

No secret reaches a log line, by construction (docs/decisions.md, D13):

* tracebacks are plain text, never with local variables (a rich traceback with locals printed the
  caller's API key and a sign-up's password);
* fields whose name says secret (``password``, ``token``, ``authorization``, ``cookie``, ...) are
  masked before rendering, at any depth;
* every rendered line, whichever library wrote it, is scrubbed of anything shaped like a BillBo API
  key, a JWT, a Stripe key, a password in a URL or a ``password=...`` pair.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any

import structlog

from billbo.settings import Settings

MASK = "[redacted]"

# Field names that hold secrets, whatever their value looks like.
_SECRET_NAME = re.compile(
    r"pass(word|wd|phrase)?|secret|token|authorization|cookie|csrf|api_?key|jwt|credential|signature|"
    r"private|invitation_link|^link$|^key$|dsn",
    re.IGNORECASE,
)

# Shapes of secrets inside any text: a traceback, an exception message, a foreign library's line.
_SECRET_SHAPES = [
    re.compile(r"\bbb_[A-Za-z0-9_-]{8,}"),  # BillBo API keys (bb_ and 40 URL-safe characters)
    re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}(\.[A-Za-z0-9_-]*)?"),  # JWTs (and their fragments)
    re.compile(r"\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]{6,}"),  # Stripe secret, restricted, publishable keys
    re.compile(r"\bwhsec_[A-Za-z0-9+/=]{6,}"),  # Stripe webhook signing secrets
]
# ``scheme://user:password@host``: keep the user, mask the password.
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/@\s'\"]*:)[^@\s'\"]+(?=@)", re.IGNORECASE)
# ``password=...``, ``"token": "..."``, ``Authorization: Bearer ...`` and the like inside text. The
# name is read once per run of letters (it starts where the run starts, and the atomic group ends it
# where the run ends), so a long run costs linear time, not quadratic: a 60,000-letter query string
# took minutes to scrub with the plain ``[A-Za-z_-]*`` on both sides.
_SECRET_PAIR = re.compile(
    r"(?<![A-Za-z_-])(?P<head>(?P<name>[\"']?(?>[A-Za-z_-]*?"
    r"(?:pass(?:word|wd)?|secret|token|authorization|cookie|csrf|api_?key)[A-Za-z_-]*+)[\"']?)"
    r"\s*(?:=|:)\s*(?:Bearer\s+)?)(?P<q>[\"']?)(?P<value>[^\"'\s,;&}\])]+)",
    re.IGNORECASE,
)


def scrub(text: str) -> str:
    """``text`` with every secret-shaped part masked."""
    for shape in _SECRET_SHAPES:
        text = shape.sub(MASK, text)
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    return _SECRET_PAIR.sub(lambda m: m.group("head") + m.group("q") + MASK, text)


def redact(value: Any, name: str = "") -> Any:
    """``value`` with secret-named fields masked, at any depth, and secret shapes scrubbed."""
    if name and _SECRET_NAME.search(name) and value is not None:
        return MASK
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Mapping):
        return {key: redact(item, str(key)) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [redact(item) for item in value]
    if isinstance(value, int | float | bool) or value is None:
        return value
    return scrub(str(value))


def _redact_event(_: Any, __: str, event_dict: Any) -> Any:
    return {key: redact(value, key if key not in ("event", "exception") else "") for key, value in event_dict.items()}


class _RedactingFormatter(structlog.stdlib.ProcessorFormatter):
    """The last line of defence: the rendered line itself is scrubbed, whoever wrote the record."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


_SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.StackInfoRenderer(),
    # Exceptions become plain text here (no locals, in every format), so the redaction below sees
    # the whole traceback and the renderers print it as it is.
    structlog.processors.format_exc_info,
    _redact_event,
]


def _safe_defaults() -> None:
    """structlog's own defaults render rich tracebacks with local variables; until (or unless) a
    process calls configure_logging (a Dagster run, a library use of BillBo's modules), it logs
    with the same redaction and plain tracebacks instead."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _redact_event,
            structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback),
        ],
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )


_safe_defaults()


def configure_logging(settings: Settings, *, stream: Any = None) -> None:
    """Configure structlog and the standard library's logging for this process."""
    json_logs = settings.json_logs
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json_logs
        else structlog.dev.ConsoleRenderer(
            colors=(stream or sys.stderr).isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,  # below the level, a log call costs nearly nothing
            *_SHARED_PROCESSORS,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = _RedactingFormatter(
        foreign_pre_chain=_SHARED_PROCESSORS,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    # uvicorn installs its own handlers; let its records reach ours instead, once.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # our middleware logs each request


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)
