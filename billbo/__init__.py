"""BillBo's shared core: settings, logging, database access, the embedded servers and the CLI."""

__version__ = "0.1.0"

# Logging is safe from the first import: no secret and no local variable reaches a log line, even in
# a process that never calls billbo.logs.configure_logging (docs/decisions.md, D13).
from billbo import logs as _logs  # noqa: F401
